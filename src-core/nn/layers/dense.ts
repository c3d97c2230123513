// The course's fully connected layer: Z = W A_prev + b, A = g(Z), and its backward pass.
//   W (n, n_prev)  b (n, 1)  Z, A (n, m)  dW, db like W, b  dZ, dA like Z
// A_prev comes in one of three layouts (`DenseInput`): the image bytes (m, n_prev) with X = bytes / 255
// never materialised; the flattened convolutional body (m, n_prev), read transposed, no copy; or the
// previous dense layer's A (n_prev, m).

import type { Activation } from '../../kernels/activations.js';
import type { Kernels } from '../../kernels/kernels.js';
import type { Slab } from '../slab.js';
import type { BackwardStep, Layer, LayerInput, Shape } from './layer.js';

/** How A_prev is stored: image bytes (m, n_prev); float rows (m, n_prev); float columns (n_prev, m). */
export type DenseInput = 'bytes' | 'rows' | 'columns';

export class Dense implements Layer {
  readonly kind = 'dense';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly W: Float32Array; // (n, n_prev)
  readonly b: Float32Array; // (n)
  readonly dW: Float32Array; // (n, n_prev)
  readonly db: Float32Array; // (n)
  readonly Z: Float32Array; // (n, maxBatch)
  readonly A: Float32Array; // (n, maxBatch)

  constructor(
    readonly n: number,
    readonly n_prev: number,
    /** g; the output layer's sigmoid is applied by the network (fused with the cost). */
    readonly g: Activation,
    readonly input: DenseInput,
    params: Slab,
    grads: Slab,
    caches: Slab,
    maxBatch: number,
  ) {
    this.inShape = { c: n_prev, h: 1, w: 1 };
    this.outShape = { c: n, h: 1, w: 1 };
    this.W = params.take(n * n_prev);
    this.b = params.take(n);
    this.dW = grads.take(n * n_prev);
    this.db = grads.take(n);
    this.Z = caches.take(n * maxBatch);
    this.A = caches.take(n * maxBatch);
  }

  forward(k: Kernels, input: LayerInput, m: number): void {
    this.linear(k, input, m);
    this.activate(k, m);
  }

  /** Z (n, m) = W A_prev, without the bias. */
  linear(k: Kernels, input: LayerInput, m: number): void {
    const { n, n_prev, W } = this;
    const Z = this.Z.subarray(0, n * m);
    if (this.input === 'bytes') k.gemmU8(true, n, m, n_prev, 1 / 255, W, input as Uint8Array, 0, Z);
    else if (this.input === 'rows') k.gemm(false, true, n, m, n_prev, 1, W, input as Float32Array, 0, Z);
    else k.gemm(false, false, n, m, n_prev, 1, W, (input as Float32Array).subarray(0, n_prev * m), 0, Z);
  }

  /** Z += b, A = g(Z). */
  activate(k: Kernels, m: number): void {
    const n = this.n;
    k.biasActivation(this.g, this.Z.subarray(0, n * m), this.A.subarray(0, n * m), this.b, n, m);
  }

  /** dZ = dA * g'(Z) into spare, then as backwardLinear with dA_prev written into `out` (default: over dA). */
  backward(
    k: Kernels,
    input: LayerInput,
    dA: Float32Array,
    spare: Float32Array,
    m: number,
    step: BackwardStep,
    out: Float32Array = dA,
  ): Float32Array | null {
    const size = this.n * m;
    const dZ = spare.subarray(0, size);
    k.activationBackward(this.g, dZ, dA.subarray(0, size), this.Z.subarray(0, size), this.A.subarray(0, size), size);
    return this.backwardLinear(k, input, dZ, out, m, step);
  }

  /**
   * From dZ (n, m):
   *   dW = (1/m) dZ A_prev^T + (lambda/m) W     db = (1/m) sum over examples of dZ
   *   dA_prev = W^T dZ, into `out`: (n_prev, m) after a dense layer, (m, n_prev) otherwise (for the
   *   image bytes this is the gradient with respect to x = bytes / 255, in the bytes' layout).
   */
  backwardLinear(
    k: Kernels,
    input: LayerInput,
    dZ: Float32Array,
    out: Float32Array,
    m: number,
    step: BackwardStep,
  ): Float32Array | null {
    const { n, n_prev, W } = this;
    const dZl = dZ.subarray(0, n * m);
    if (step.weights) {
      if (this.input === 'bytes') {
        // dW (n, n_prev) = (1 / 255m) dZ (n, m) . bytes (m, n_prev)
        k.gemmU8(false, n, n_prev, m, 1 / (255 * m), dZl, input as Uint8Array, 0, this.dW);
      } else if (this.input === 'rows') {
        k.gemm(false, false, n, n_prev, m, 1 / m, dZl, input as Float32Array, 0, this.dW);
      } else {
        k.gemm(false, true, n, n_prev, m, 1 / m, dZl, (input as Float32Array).subarray(0, n_prev * m), 0, this.dW);
      }
      k.rowSum(this.db, dZl, n, m, 1 / m);
      if (step.lambda !== 0) k.axpy(this.dW, W, step.lambda / m, n * n_prev);
    }
    if (!step.input) return null;
    const dAprev = out.subarray(0, n_prev * m);
    if (this.input === 'columns') k.gemm(true, false, n_prev, m, n, 1, W, dZl, 0, dAprev);
    else k.gemm(true, false, m, n_prev, n, 1, dZl, W, 0, dAprev); // (m, n_prev) = dZ^T W
    return out;
  }
}
