// Inference: the probability of the positive class (label 1) for each image, by the Network's own
// forward pass in chunks of examples. A Predictor holds one network sized for a chunk, so a caller
// scoring many chunks (the app) reuses its memory; it never touches a training network's caches.

import type { Kernels } from '../kernels/kernels.js';
import { getKernels } from '../kernels/select.js';
import { predictionChunk } from './memory.js';
import type { Model } from './model.js';
import { type FeatureMap, Network } from './network.js';

export class Predictor {
  private readonly net: Network;

  /** A network for `model` holding up to `chunk` examples per forward pass. */
  constructor(model: Model, chunk: number, kernels: Kernels = getKernels()) {
    const { layerDims } = model.config;
    if (layerDims[layerDims.length - 1] !== 1) {
      throw new Error(
        `predictProbabilities: the output layer must have 1 unit, got ${layerDims[layerDims.length - 1]}`,
      );
    }
    this.net = new Network(model.config, chunk, kernels);
    this.net.setParameters(model.params);
  }

  /** Bytes per image: (h, w, 3) HWC for a convolutional net, n_x otherwise. */
  get inputSize(): number {
    return this.net.inputSize;
  }

  /**
   * pixels: (m, n_x) row-major bytes (one unrolled HWC image per row); writes A[L] (m) in [0, 1] into
   * `out`. X = pixels / 255 is never materialised: the first layer reads the bytes.
   */
  predictInto(pixels: Uint8Array, m: number, out: Float32Array): void {
    const n = this.net.inputSize;
    if (pixels.length < m * n) {
      throw new Error(`predictProbabilities: ${m} examples need ${m * n} pixel bytes, got ${pixels.length}`);
    }
    this.net.predictInto(pixels, m, out);
  }

  /** d Yhat_i / d x_i (x = pixels / 255) into out (m, n_x), HWC like the pixels: a saliency map. m <= chunk. */
  inputGradient(pixels: Uint8Array, m: number, out: Float32Array): void {
    this.net.inputGradient(pixels, m, out);
  }

  /**
   * The conv and pool layers' outputs A (m, c, h, w) for m <= chunk images (views, valid until the next
   * call), and A[L] (m). Empty maps for a dense-only model.
   */
  featureMaps(pixels: Uint8Array, m: number): { maps: FeatureMap[]; probabilities: Float32Array } {
    const probabilities = this.net.forward(pixels, m);
    return { maps: this.net.featureMaps(), probabilities };
  }
}

/** A[L] (m) for m images: a Predictor sized for min(m, what fits in memory) examples per pass. */
export function predictProbabilities(
  model: Model,
  pixels: Uint8Array,
  m: number,
  kernels: Kernels = getKernels(),
): Float32Array {
  const out = new Float32Array(m);
  const chunk = Math.max(1, Math.min(m, predictionChunk(model.config)));
  new Predictor(model, chunk, kernels).predictInto(pixels, m, out);
  return out;
}
