// A convolutional layer: k x k filters, stride 1, "same" zero padding, fused bias and activation.
//   W (c_out, c_in, k, k)  b (c_out)  Z, A (m, c_out, h, w)  A_prev (m, c_in, h, w)
//   Z = W * A_prev + b (the cross-correlation of kernels.ts), A = g(Z)
// The first layer reads the image bytes (m, h, w, c_in) HWC with x = bytes / 255, never materialised.

import type { Activation } from '../../kernels/activations.js';
import type { ConvShape, Kernels } from '../../kernels/kernels.js';
import type { Slab } from '../slab.js';
import type { BackwardStep, Layer, LayerInput, Shape } from './layer.js';

export class Conv implements Layer {
  readonly kind = 'conv';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly W: Float32Array; // (c_out, c_in, k, k)
  readonly b: Float32Array; // (c_out)
  readonly dW: Float32Array; // (c_out, c_in, k, k)
  readonly db: Float32Array; // (c_out)
  readonly Z: Float32Array; // (maxBatch, c_out, h, w)
  readonly A: Float32Array; // (maxBatch, c_out, h, w)
  /** The kernels' shape argument; `m` is set on each pass (no allocation per pass). */
  private readonly s: ConvShape;

  constructor(
    inShape: Shape,
    c_out: number,
    k: number,
    readonly g: Activation,
    /** True for the first layer: the input is the image bytes, HWC. */
    readonly readsBytes: boolean,
    params: Slab,
    grads: Slab,
    caches: Slab,
    maxBatch: number,
  ) {
    const { c: c_in, h, w } = inShape;
    this.inShape = inShape;
    this.outShape = { c: c_out, h, w };
    this.s = { m: 0, c_in, h, w, c_out, k };
    this.W = params.take(c_out * c_in * k * k);
    this.b = params.take(c_out);
    this.dW = grads.take(c_out * c_in * k * k);
    this.db = grads.take(c_out);
    this.Z = caches.take(maxBatch * c_out * h * w);
    this.A = caches.take(maxBatch * c_out * h * w);
  }

  forward(k: Kernels, input: LayerInput, m: number): void {
    const s = this.s;
    s.m = m;
    const size = m * s.c_out * s.h * s.w;
    const [Z, A] = [this.Z.subarray(0, size), this.A.subarray(0, size)];
    if (this.readsBytes) k.conv2dForwardU8(this.g, Z, A, input as Uint8Array, 1 / 255, this.W, this.b, s);
    else k.conv2dForward(this.g, Z, A, input as Float32Array, this.W, this.b, s);
  }

  /**
   *   dZ = dA * g'(Z)                                    (into spare)
   *   dW = (1/m) sum over examples and positions of dZ x A_prev windows + (lambda/m) W
   *   db = (1/m) sum of dZ over examples and positions
   *   dA_prev (m, c_in, h, w) = the transposed convolution of dZ with W   (over dA)
   * For the first layer dA_prev is the gradient with respect to x = bytes / 255, in NCHW.
   */
  backward(
    k: Kernels,
    input: LayerInput,
    dA: Float32Array,
    spare: Float32Array,
    m: number,
    step: BackwardStep,
  ): Float32Array | null {
    const s = this.s;
    s.m = m;
    const size = m * s.c_out * s.h * s.w;
    const dZ = spare.subarray(0, size);
    k.activationBackward(this.g, dZ, dA.subarray(0, size), this.Z.subarray(0, size), this.A.subarray(0, size), size);
    if (step.weights) {
      if (this.readsBytes) k.conv2dBackwardWeightsU8(this.dW, this.db, dZ, input as Uint8Array, 1 / 255, 1 / m, s);
      else k.conv2dBackwardWeights(this.dW, this.db, dZ, input as Float32Array, 1 / m, s);
      if (step.lambda !== 0) k.axpy(this.dW, this.W, step.lambda / m, this.W.length);
    }
    if (!step.input) return null;
    k.conv2dBackwardData(dA.subarray(0, m * s.c_in * s.h * s.w), dZ, this.W, s);
    return dA;
  }
}
