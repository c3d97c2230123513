// What every layer of a network is: forward fills its caches for m examples, backward turns dA (the
// gradient of the cost with respect to its output A) into its parameter gradients and dA_prev.
// Layers hold views into the network's slabs; they never allocate after construction.

import type { Kernels } from '../../kernels/kernels.js';

/**
 * Per-example shape of a layer's input or output: (c, h, w) in the convolutional body, where A is
 * stored (m, c, h, w) (NCHW); (n, 1, 1) for a dense layer, whose A is stored (n, m) as in the course.
 */
export interface Shape {
  c: number;
  h: number;
  w: number;
}

export const size = (s: Shape): number => s.c * s.h * s.w;

/** What a layer reads: the image bytes (the first layer) or the previous layer's A. */
export type LayerInput = Uint8Array | Float32Array;

/** What one backward pass computes; the network keeps one of these and reuses it. */
export interface BackwardStep {
  /** L2 lambda: dW += (lambda / m) W. */
  lambda: number;
  /** Compute dW and db (false for the input gradient, which leaves the gradients alone). */
  weights: boolean;
  /** Compute dA_prev (false for the first layer during training). */
  input: boolean;
}

export interface Layer {
  readonly kind: 'dense' | 'conv' | 'pool' | 'flatten';
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** The output cache A (capacity maxBatch examples); valid after forward. */
  readonly A: Float32Array;

  /** Forward propagation of m examples, filling the caches (Z and A). */
  forward(k: Kernels, input: LayerInput, m: number): void;

  /**
   * Backward propagation after forward on the same input and m. dA holds this layer's dA; `spare`
   * is a second buffer of the same capacity. Returns the buffer now holding dA_prev (dA or spare),
   * or null when step.input is false.
   */
  backward(
    k: Kernels,
    input: LayerInput,
    dA: Float32Array,
    spare: Float32Array,
    m: number,
    step: BackwardStep,
  ): Float32Array | null;
}
