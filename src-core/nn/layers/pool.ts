// 2x2 max-pooling with stride 2 over each of the m * c planes; no parameters.
//   A_prev (m, c, h, w)  A (m, c, floor(h/2), floor(w/2))  dA like A, dA_prev like A_prev
// Backward routes each window's gradient to the position that held its maximum (kernels.ts says
// which one on ties).

import type { Kernels } from '../../kernels/kernels.js';
import type { Slab } from '../slab.js';
import type { BackwardStep, Layer, LayerInput, Shape } from './layer.js';

export class Pool implements Layer {
  readonly kind = 'pool';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly A: Float32Array; // (maxBatch, c, h/2, w/2)

  constructor(inShape: Shape, caches: Slab, maxBatch: number) {
    this.inShape = inShape;
    this.outShape = { c: inShape.c, h: Math.floor(inShape.h / 2), w: Math.floor(inShape.w / 2) };
    this.A = caches.take(maxBatch * inShape.c * this.outShape.h * this.outShape.w);
  }

  forward(k: Kernels, input: LayerInput, m: number): void {
    const { c, h, w } = this.inShape;
    k.maxPool2Forward(this.A, input as Float32Array, m * c, h, w);
  }

  /** dA_prev (into spare) = dA routed to each window's maximum, 0 elsewhere. */
  backward(
    k: Kernels,
    input: LayerInput,
    dA: Float32Array,
    spare: Float32Array,
    m: number,
    step: BackwardStep,
  ): Float32Array | null {
    if (!step.input) return null;
    const { c, h, w } = this.inShape;
    k.maxPool2Backward(spare, dA, input as Float32Array, this.A, m * c, h, w);
    return spare;
  }
}
