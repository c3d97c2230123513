// The L-layer network of the course: forward propagation that fills the caches, the cross-entropy
// cost, backward propagation that fills the gradients. All numerics go through a Kernels backend.
// Memory is allocated once, for at most `maxBatch` examples per pass: no allocation per iteration.
//
// Shapes (course notation, row-major):
//   X        (n_x, m)       stored as the dataset's bytes (m, n_x); X = pixels / 255 is never built
//   W[l]     (n[l], n[l-1]) b[l] (n[l], 1)            for l = 1..L, at index l - 1
//   Z[l]     (n[l], m)      A[l] = g[l](Z[l]) (n[l], m); A[0] = X; A[L] = sigmoid(Z[L]) = Yhat
//   dW[l], db[l] like W[l], b[l];  dZ[l], dA[l] like Z[l]
// It deliberately never computes dA[0] (no one needs the gradient with respect to the pixels).

import type { Kernels } from '../kernels/kernels.js';
import { validateConfig } from './config.js';
import type { NetworkConfig, Parameters } from './model.js';

export interface Gradients {
  dW: Float32Array[];
  db: Float32Array[];
}

/** Views of W[l], b[l] for l = 1..L laid out one after the other in `slab`. */
function layerViews(slab: Float32Array, layerDims: readonly number[]): Parameters {
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  let offset = 0;
  for (let l = 1; l < layerDims.length; l++) {
    const size = layerDims[l] * layerDims[l - 1];
    W.push(slab.subarray(offset, offset + size));
    offset += size;
    b.push(slab.subarray(offset, offset + layerDims[l]));
    offset += layerDims[l];
  }
  return { W, b };
}

export class Network {
  readonly config: NetworkConfig;
  readonly layerDims: readonly number[];
  /** L: number of layers with parameters (hidden layers + output). */
  readonly L: number;
  readonly maxBatch: number;
  /** Every W[l] and b[l], layer by layer; `params` holds views into it. */
  readonly paramSlab: Float32Array;
  readonly params: Parameters;
  /** Same layout as paramSlab: dW[l], db[l]. */
  readonly gradSlab: Float32Array;
  readonly grads: Gradients;

  private readonly kernels: Kernels;
  /** Caches Z[l], A[l] (capacity n[l] * maxBatch) at index l - 1. */
  private readonly Zc: Float32Array[];
  private readonly Ac: Float32Array[];
  /** Backward scratch (capacity max n[l] * maxBatch): dZ[l] and dA[l-1] alternate between them. */
  private readonly dZbuf: Float32Array;
  private readonly dAbuf: Float32Array;
  /** Examples in the last forward pass. */
  private m = 0;

  constructor(config: NetworkConfig, maxBatch: number, kernels: Kernels) {
    validateConfig(config);
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new Error(`network: batch size must be >= 1, got ${maxBatch}`);
    this.config = config;
    this.layerDims = config.layerDims;
    this.L = config.layerDims.length - 1;
    this.maxBatch = maxBatch;
    this.kernels = kernels;

    let count = 0;
    for (let l = 1; l <= this.L; l++) count += this.layerDims[l] * (this.layerDims[l - 1] + 1);
    this.paramSlab = new Float32Array(count);
    this.params = layerViews(this.paramSlab, this.layerDims);
    this.gradSlab = new Float32Array(count);
    const g = layerViews(this.gradSlab, this.layerDims);
    this.grads = { dW: g.W, db: g.b };

    const units = this.layerDims.slice(1);
    const cacheSlab = new Float32Array(2 * units.reduce((s, n) => s + n, 0) * maxBatch);
    this.Zc = [];
    this.Ac = [];
    let offset = 0;
    for (const n of units) {
      this.Zc.push(cacheSlab.subarray(offset, offset + n * maxBatch));
      offset += n * maxBatch;
      this.Ac.push(cacheSlab.subarray(offset, offset + n * maxBatch));
      offset += n * maxBatch;
    }
    const maxUnits = Math.max(...units);
    this.dZbuf = new Float32Array(maxUnits * maxBatch);
    this.dAbuf = new Float32Array(maxUnits * maxBatch);
  }

  /** Copies parameters in (shapes must match the config). */
  setParameters(params: Parameters): void {
    for (let l = 1; l <= this.L; l++) {
      const [W, b] = [params.W[l - 1], params.b[l - 1]];
      if (W?.length !== this.params.W[l - 1].length || b?.length !== this.params.b[l - 1].length) {
        throw new Error(
          `network: parameters of layer ${l} have the wrong size (W ${W?.length}, b ${b?.length}; expected ${this.params.W[l - 1].length}, ${this.params.b[l - 1].length})`,
        );
      }
      this.params.W[l - 1].set(W);
      this.params.b[l - 1].set(b);
    }
  }

  /** A copy of the parameters that does not alias the slab. */
  copyParameters(): Parameters {
    return layerViews(this.paramSlab.slice(), this.layerDims);
  }

  /** A[L] = Yhat (1, m) of the last forward pass (a view: valid until the next pass). */
  probabilities(): Float32Array {
    return this.Ac[this.L - 1].subarray(0, this.m);
  }

  /** Forward propagation through layers 1..L; A[L] = sigmoid(Z[L]). Returns A[L] (view). */
  forward(X: Uint8Array, m: number): Float32Array {
    this.forwardLinear(X, m);
    const L = this.L;
    const ZL = this.Zc[L - 1].subarray(0, m);
    this.kernels.biasActivation('sigmoid', ZL, this.Ac[L - 1].subarray(0, m), this.params.b[L - 1], 1, m);
    return this.probabilities();
  }

  /**
   * Forward propagation and the cost
   *   J = (1/m) sum_i L(A[L]_i, Y_i) + (lambda / 2m) sum_l ||W[l]||^2,  L(a, y) = -y log a - (1 - y) log(1 - a),
   * computed from the logits Z[L] so it stays finite. Leaves dZ[L] = A[L] - Y ready for `backward`.
   * Y: (1, m) labels 0/1 as floats.
   */
  forwardCost(X: Uint8Array, Y: Float32Array, m: number, lambda = 0): number {
    this.forwardLinear(X, m);
    const L = this.L;
    const ZL = this.Zc[L - 1].subarray(0, m);
    this.kernels.biasActivation('identity', ZL, ZL, this.params.b[L - 1], 1, m);
    const loss = this.kernels.sigmoidCrossEntropy(ZL, Y, m, this.Ac[L - 1].subarray(0, m), this.dZbuf.subarray(0, m));
    return loss / m + this.l2Cost(lambda, m);
  }

  /** The L2 term of the cost: (lambda / 2m) sum_l ||W[l]||^2 (0 when lambda = 0). */
  l2Cost(lambda: number, m: number): number {
    if (lambda === 0) return 0;
    let squares = 0;
    for (const W of this.params.W) for (let i = 0; i < W.length; i++) squares += W[i] * W[i];
    return (lambda / (2 * m)) * squares;
  }

  /**
   * Backward propagation after `forwardCost` on the same X, m. For l = L..1:
   *   dW[l] = (1/m) dZ[l] A[l-1]^T + (lambda/m) W[l]     db[l] = (1/m) sum over examples of dZ[l]
   *   dA[l-1] = W[l]^T dZ[l]                              dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1])
   * Layer 1 reads X as bytes (alpha carries 1/255) and stops there: dA[0] is never formed.
   */
  backward(X: Uint8Array, m: number, lambda = 0): void {
    if (m !== this.m) throw new Error(`network: backward on ${m} examples after a forward pass on ${this.m}`);
    const k = this.kernels;
    const dims = this.layerDims;
    const { W } = this.params;
    const { dW, db } = this.grads;
    const dZ = this.dZbuf;
    const dA = this.dAbuf;
    for (let l = this.L; l >= 1; l--) {
      const n = dims[l];
      const n_prev = dims[l - 1];
      const dZl = dZ.subarray(0, n * m);
      if (l === 1) {
        // dW1 (n1, n_x) = (1 / 255m) dZ1 (n1, m) . pixels (m, n_x)
        k.gemmU8(false, n, n_prev, m, 1 / (255 * m), dZl, X, 0, dW[0]);
      } else {
        k.gemm(false, true, n, n_prev, m, 1 / m, dZl, this.Ac[l - 2].subarray(0, n_prev * m), 0, dW[l - 1]);
      }
      k.rowSum(db[l - 1], dZl, n, m, 1 / m);
      if (lambda !== 0) k.axpy(dW[l - 1], W[l - 1], lambda / m, n * n_prev);
      if (l > 1) {
        const dAprev = dA.subarray(0, n_prev * m);
        k.gemm(true, false, n_prev, m, n, 1, W[l - 1], dZl, 0, dAprev);
        const Zp = this.Zc[l - 2].subarray(0, n_prev * m);
        const Ap = this.Ac[l - 2].subarray(0, n_prev * m);
        // dZ[l] is no longer needed: its buffer receives dZ[l-1].
        k.activationBackward(this.config.activations[l - 2], dZ.subarray(0, n_prev * m), dAprev, Zp, Ap, n_prev * m);
      }
    }
  }

  /**
   * The mean cross-entropy (without the L2 term) over any number of examples, in chunks of maxBatch;
   * writes A[L] into `out` (m) when given. Overwrites the caches: not between forwardCost and backward.
   */
  datasetCost(X: Uint8Array, Y: Float32Array, m: number, out?: Float32Array): number {
    const n_x = this.layerDims[0];
    let total = 0;
    for (let start = 0; start < m; start += this.maxBatch) {
      const mc = Math.min(this.maxBatch, m - start);
      const Xc = X.subarray(start * n_x, (start + mc) * n_x);
      total += this.forwardCost(Xc, Y.subarray(start, start + mc), mc) * mc;
      out?.set(this.probabilities(), start);
    }
    return m > 0 ? total / m : 0;
  }

  /** A[L] for any number of examples, in chunks of maxBatch, into `out` (m). Overwrites the caches. */
  predictInto(X: Uint8Array, m: number, out: Float32Array): void {
    const n_x = this.layerDims[0];
    for (let start = 0; start < m; start += this.maxBatch) {
      const mc = Math.min(this.maxBatch, m - start);
      out.set(this.forward(X.subarray(start * n_x, (start + mc) * n_x), mc), start);
    }
  }

  /** Z[l] = W[l] A[l-1] (+ b, g) for l = 1..L-1, and Z[L] = W[L] A[L-1] without its bias yet. */
  private forwardLinear(X: Uint8Array, m: number): void {
    if (!Number.isInteger(m) || m < 1 || m > this.maxBatch) {
      throw new Error(`network: batch of ${m} examples; this network holds 1 to ${this.maxBatch}`);
    }
    const dims = this.layerDims;
    if (X.length < m * dims[0]) throw new Error(`network: ${m} examples need ${m * dims[0]} bytes, got ${X.length}`);
    this.m = m;
    const k = this.kernels;
    const { W, b } = this.params;
    for (let l = 1; l <= this.L; l++) {
      const n = dims[l];
      const Z = this.Zc[l - 1].subarray(0, n * m);
      if (l === 1) {
        // Z1 (n1, m) = (1/255) W1 (n1, n_x) . pixels^T, pixels stored (m, n_x)
        k.gemmU8(true, n, m, dims[0], 1 / 255, W[0], X, 0, Z);
      } else {
        k.gemm(false, false, n, m, dims[l - 1], 1, W[l - 1], this.Ac[l - 2].subarray(0, dims[l - 1] * m), 0, Z);
      }
      if (l < this.L)
        k.biasActivation(this.config.activations[l - 1], Z, this.Ac[l - 1].subarray(0, n * m), b[l - 1], n, m);
    }
  }
}
