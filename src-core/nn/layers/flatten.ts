// Flatten: the convolutional body's A (m, c, h, w) read as (m, n_0), n_0 = c * h * w. A view, no copy:
// the next dense layer reads it transposed ('rows'), and its dA_prev (m, n_0) is already dA of the body.

import type { Kernels } from '../../kernels/kernels.js';
import type { BackwardStep, Layer, LayerInput, Shape } from './layer.js';

export class Flatten implements Layer {
  readonly kind = 'flatten';
  readonly outShape: Shape;

  constructor(
    readonly inShape: Shape,
    /** The body's last A (maxBatch, c, h, w): this layer's A is the same memory. */
    readonly A: Float32Array,
  ) {
    this.outShape = { c: inShape.c * inShape.h * inShape.w, h: 1, w: 1 };
  }

  forward(_k: Kernels, _input: LayerInput, _m: number): void {}

  backward(
    _k: Kernels,
    _input: LayerInput,
    dA: Float32Array,
    _spare: Float32Array,
    _m: number,
    step: BackwardStep,
  ): Float32Array | null {
    return step.input ? dA : null;
  }
}
