// The reference kernels: plain loops in TypeScript, the executable specification of kernels.ts.
// Readability over speed; the native addon must agree with these within a stated tolerance.
// Activations' scalar formulas live in activations.ts so docs, tests and kernels share them. The
// convolution and pooling kernels (conv.ts) are the same kind of naive loops.

import { type Activation, activationDerivative, activationForward } from './activations.js';
import type { BackendInfo, KernelActivation, Kernels } from './kernels.js';
import {
  conv2dBackwardData,
  conv2dBackwardWeights,
  conv2dBackwardWeightsU8,
  conv2dForward,
  conv2dForwardU8,
  maxPool2Backward,
  maxPool2Forward,
} from './reference-conv.js';

/** C (M, N) = alpha * op(A) op(B) + beta * C; beta = 0 overwrites C (NaN in C ignored). */
function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  B: Float32Array,
  beta: number,
  C: Float32Array,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        sum += a * b;
      }
      C[i * N + j] = beta === 0 ? alpha * sum : alpha * sum + beta * C[i * N + j];
    }
  }
}

/** C (M, N) = alpha * A (M, K) op(B) + beta * C with B bytes: (K, N), or (N, K) when transB. */
function gemmU8(
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  B: Uint8Array,
  beta: number,
  C: Float32Array,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const b = transB ? B[j * K + k] : B[k * N + j];
        sum += A[i * K + k] * b;
      }
      C[i * N + j] = beta === 0 ? alpha * sum : alpha * sum + beta * C[i * N + j];
    }
  }
}

/** Z (n, m) += b (n, 1) in place, then A = g(Z) (A may be Z for 'identity'). */
function biasActivation(
  kind: KernelActivation,
  Z: Float32Array,
  A: Float32Array,
  b: Float32Array,
  n: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const z = Z[i * m + j] + b[i];
      Z[i * m + j] = z;
      A[i * m + j] = kind === 'identity' ? z : activationForward(kind, z);
    }
  }
}

/** dZ = dA * g'(Z) elementwise. */
function activationBackward(
  kind: Activation,
  dZ: Float32Array,
  dA: Float32Array,
  Z: Float32Array,
  A: Float32Array,
  size: number,
): void {
  for (let i = 0; i < size; i++) dZ[i] = dA[i] * activationDerivative(kind, Z[i], A[i]);
}

/** out (n) = scale * sum_j X (n, m)[i, j]. */
function rowSum(out: Float32Array, X: Float32Array, n: number, m: number, scale: number): void {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < m; j++) sum += X[i * m + j];
    out[i] = scale * sum;
  }
}

/**
 * sum_i of the cross-entropy L(sigmoid(z), y) = -y log(a) - (1 - y) log(1 - a), written from the
 * logit z so that it never takes log(0): L = max(z, 0) - z y + log1p(exp(-|z|)).
 */
function sigmoidCrossEntropy(
  Z: Float32Array,
  Y: Float32Array,
  m: number,
  A: Float32Array | null,
  dZ: Float32Array | null,
): number {
  let cost = 0;
  for (let i = 0; i < m; i++) {
    const z = Z[i];
    const y = Y[i];
    cost += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    const a = activationForward('sigmoid', z);
    if (A) A[i] = a;
    if (dZ) dZ[i] = a - y;
  }
  return cost;
}

/** y += alpha x. */
function axpy(y: Float32Array, x: Float32Array, alpha: number, size: number): void {
  for (let i = 0; i < size; i++) y[i] += alpha * x[i];
}

/** v = beta v + (1 - beta) g; p -= lr v. beta = 0 is plain gradient descent and leaves v alone. */
function momentumStep(p: Float32Array, g: Float32Array, v: Float32Array, lr: number, beta: number, size: number): void {
  if (beta === 0) {
    for (let i = 0; i < size; i++) p[i] -= lr * g[i];
    return;
  }
  for (let i = 0; i < size; i++) {
    v[i] = beta * v[i] + (1 - beta) * g[i];
    p[i] -= lr * v[i];
  }
}

/** Adam with bias corrections c1 = 1 - b1^t, c2 = 1 - b2^t supplied by the caller. */
function adamStep(
  p: Float32Array,
  g: Float32Array,
  v: Float32Array,
  s: Float32Array,
  lr: number,
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  eps: number,
  size: number,
): void {
  for (let i = 0; i < size; i++) {
    v[i] = b1 * v[i] + (1 - b1) * g[i];
    s[i] = b2 * s[i] + (1 - b2) * g[i] * g[i];
    p[i] -= (lr * (v[i] / c1)) / (Math.sqrt(s[i] / c2) + eps);
  }
}

/** The TypeScript kernels. `reason` says why the native backend is not in use (shown by the UI). */
export function referenceKernels(opts: { reason?: string } = {}): Kernels {
  const info: BackendInfo = { backend: 'reference', isa: 'js', threads: 1 };
  if (opts.reason !== undefined) info.reason = opts.reason;
  return {
    info,
    gemm,
    gemmU8,
    biasActivation,
    activationBackward,
    rowSum,
    sigmoidCrossEntropy,
    axpy,
    momentumStep,
    adamStep,
    conv2dForward,
    conv2dForwardU8,
    conv2dBackwardData,
    conv2dBackwardWeights,
    conv2dBackwardWeightsU8,
    maxPool2Forward,
    maxPool2Backward,
  };
}
