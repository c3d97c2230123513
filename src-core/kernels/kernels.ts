// The Kernels contract: every numeric loop of training and inference goes through one of these.
// Two implementations pass the same tests: reference.ts (TypeScript, the specification) and
// native.ts (the C SIMD addon). Kernels write into outputs, take sizes explicitly, never allocate.
// All matrices are row-major Float32Array views (subarray views are fine); shapes in the course's
// notation: X (n_x, m), W (n[l], n[l-1]), b (n[l], 1), Z and A (n[l], m). Convolutional layers hold
// their activations example by example, NCHW: A (m, c, h, w); the image bytes are NHWC (m, h, w, 3).

import type { Activation } from './activations.js';

/** An activation, or 'identity' for "just add the bias" (used by the output layer before the cost). */
export type KernelActivation = Activation | 'identity';

/**
 * The shape of one convolution: input (m, c_in, h, w) (or, for the U8 forms, bytes (m, h, w, c_in),
 * the dataset's HWC layout), filters W (c_out, c_in, k, k), output (m, c_out, h, w).
 * Stride 1, zero padding p = (k - 1) / 2 on every side ("same"), k odd. Row-major throughout.
 */
export interface ConvShape {
  m: number;
  c_in: number;
  h: number;
  w: number;
  c_out: number;
  k: number;
}

export type Isa = 'avx512' | 'avx2' | 'neon' | 'scalar' | 'js';

export interface BackendInfo {
  /** 'native' = the C addon; 'reference' = the TypeScript kernels. */
  backend: 'native' | 'reference';
  /** Instruction set in use ('js' for the reference). */
  isa: Isa;
  threads: number;
  /** Why the native backend is not in use, when it is not (addon missing, forced by env, ...). */
  reason?: string;
}

export interface Kernels {
  readonly info: BackendInfo;

  /**
   * C (M, N) = alpha * op(A) op(B) + beta * C.
   * op(A) is (M, K): A is stored (M, K), or (K, M) when transA. op(B) is (K, N): B is stored (K, N),
   * or (N, K) when transB. beta = 0 means C is overwritten (its old contents, even NaN, ignored).
   */
  gemm(
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
  ): void;

  /**
   * Same as gemm with A not transposed and B made of bytes (pixels): C (M, N) = alpha * A op(B) + beta * C.
   * A (M, K) float; B uint8, stored (K, N), or (N, K) when transB. The first layer reads the
   * dataset's pixels this way (X = pixels / 255, so alpha carries the 1/255).
   * Layer 1 forward:  Z1 (n1, m) = W1 (n1, n_x) . X  with pixels stored (m, n_x): transB = true.
   * Layer 1 backward: dW1 (n1, n_x) = (1/m) dZ1 (n1, m) . X^T, pixels (m, n_x): transB = false.
   */
  gemmU8(
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Float32Array,
    B: Uint8Array,
    beta: number,
    C: Float32Array,
  ): void;

  /**
   * Broadcasting bias-add fused with the activation: Z (n, m) += b (n, 1) in place, then A = g(Z).
   * With 'identity', A may be the same array as Z.
   */
  biasActivation(kind: KernelActivation, Z: Float32Array, A: Float32Array, b: Float32Array, n: number, m: number): void;

  /** dZ = dA * g'(Z), elementwise over `size` values (g' from Z, or from A = g(Z) where cheaper). */
  activationBackward(
    kind: Activation,
    dZ: Float32Array,
    dA: Float32Array,
    Z: Float32Array,
    A: Float32Array,
    size: number,
  ): void;

  /** out (n) = scale * sum over the m columns of X (n, m): db = (1/m) sum_i dZ(:, i). */
  rowSum(out: Float32Array, X: Float32Array, n: number, m: number, scale: number): void;

  /**
   * Sigmoid cross-entropy from the logits Z (1, m) against labels Y (1, m) in {0, 1}, computed
   * stably (never log(0)): returns sum_i L(sigmoid(z_i), y_i); the caller divides by m.
   * Writes A = sigmoid(Z) when A is given, and dZ = A - Y (not divided by m) when dZ is given.
   */
  sigmoidCrossEntropy(
    Z: Float32Array,
    Y: Float32Array,
    m: number,
    A: Float32Array | null,
    dZ: Float32Array | null,
  ): number;

  /** y += alpha * x over `size` values (L2 term of the gradient: dW += (lambda / m) W). */
  axpy(y: Float32Array, x: Float32Array, alpha: number, size: number): void;

  /** Gradient descent with optional momentum: v = beta v + (1 - beta) g; p -= lr v (beta = 0: p -= lr g, v unused). */
  momentumStep(p: Float32Array, g: Float32Array, v: Float32Array, lr: number, beta: number, size: number): void;

  /**
   * Adam: v = b1 v + (1 - b1) g; s = b2 s + (1 - b2) g^2;
   * p -= lr * (v / c1) / (sqrt(s / c2) + eps), with c1 = 1 - b1^t and c2 = 1 - b2^t given by the caller.
   */
  adamStep(
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
  ): void;

  /**
   * Convolution forward, fused with the bias and the activation:
   *   Z[i, o, y, x] = b[o] + sum_{c, u, v} W[o, c, u, v] * Aprev[i, c, y + u - p, x + v - p]
   * (terms outside the image are 0), then A = g(Z). Z, A: (m, c_out, h, w); with 'identity' A may be Z.
   */
  conv2dForward(
    kind: KernelActivation,
    Z: Float32Array,
    A: Float32Array,
    Aprev: Float32Array,
    W: Float32Array,
    b: Float32Array,
    s: ConvShape,
  ): void;

  /**
   * The first conv layer reading the image bytes directly: as conv2dForward with
   * Aprev[i, c, y, x] = xScale * X[((i * h + y) * w + x) * c_in + c] (X = pixels / 255: xScale = 1/255).
   */
  conv2dForwardU8(
    kind: KernelActivation,
    Z: Float32Array,
    A: Float32Array,
    X: Uint8Array,
    xScale: number,
    W: Float32Array,
    b: Float32Array,
    s: ConvShape,
  ): void;

  /**
   * Gradient with respect to the layer's input (overwrites dAprev (m, c_in, h, w)):
   *   dAprev[i, c, y', x'] = sum_{o, u, v} W[o, c, u, v] * dZ[i, o, y' - u + p, x' - v + p]
   */
  conv2dBackwardData(dAprev: Float32Array, dZ: Float32Array, W: Float32Array, s: ConvShape): void;

  /**
   * Gradients of the filters and biases (overwrites dW (c_out, c_in, k, k) and db (c_out)):
   *   dW[o, c, u, v] = scale * sum_{i, y, x} dZ[i, o, y, x] * Aprev[i, c, y + u - p, x + v - p]
   *   db[o] = scale * sum_{i, y, x} dZ[i, o, y, x]                     (scale = 1/m for the mean)
   */
  conv2dBackwardWeights(
    dW: Float32Array,
    db: Float32Array,
    dZ: Float32Array,
    Aprev: Float32Array,
    scale: number,
    s: ConvShape,
  ): void;

  /** conv2dBackwardWeights with Aprev read from the image bytes as in conv2dForwardU8 (xScale = 1/255). */
  conv2dBackwardWeightsU8(
    dW: Float32Array,
    db: Float32Array,
    dZ: Float32Array,
    X: Uint8Array,
    xScale: number,
    scale: number,
    s: ConvShape,
  ): void;

  /**
   * 2x2 max-pooling, stride 2, over `planes` = m * c planes of (h, w): A (planes, floor(h/2), floor(w/2)).
   * A[q, y, x] = max of Aprev[q, 2y + dy, 2x + dx] for dy, dx in {0, 1}; an odd last row/column is dropped.
   */
  maxPool2Forward(A: Float32Array, Aprev: Float32Array, planes: number, h: number, w: number): void;

  /**
   * Backward of maxPool2Forward (overwrites dAprev (planes, h, w)): each window's gradient dA[q, y, x]
   * goes to the first position of the window, in the order (0,0), (0,1), (1,0), (1,1), whose Aprev
   * equals A[q, y, x]; every other position (and a dropped odd row/column) gets 0.
   */
  maxPool2Backward(
    dAprev: Float32Array,
    dA: Float32Array,
    Aprev: Float32Array,
    A: Float32Array,
    planes: number,
    h: number,
    w: number,
  ): void;
}
