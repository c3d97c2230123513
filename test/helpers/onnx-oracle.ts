// Test fixtures for the ONNX tests: seeded random models and images, and an independent float64
// forward pass (the course's equations, written plainly) to compare runtimes against.

import type { Activation, Model } from '../../src-core/nn/model.js';
import { LEAKY_SLOPE, N_X } from '../../src-core/nn/model.js';
import { mulberry32 } from '../../src-core/nn/random.js';

/** Deterministic uniform [0, 1) generator (mulberry32), as tests have long called it. */
export const rng = mulberry32;

/**
 * A random network `[12288, ...hidden, 1]` whose probabilities are spread over (0, 1) on random images:
 * weights ~ U(-1, 1) * scale / sqrt(n_prev), biases ~ U(-0.5, 0.5).
 */
export function randomModel(hidden: number[], g: Activation, seed = 1, scale = 2): Model {
  const next = rng(seed);
  const layerDims = [N_X, ...hidden, 1];
  const L = layerDims.length - 1;
  const activations: Activation[] = [...hidden.map(() => g), 'sigmoid'];
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 1; l <= L; l++) {
    const w = new Float32Array(layerDims[l] * layerDims[l - 1]);
    const k = scale / Math.sqrt(layerDims[l - 1]);
    for (let i = 0; i < w.length; i++) w[i] = (next() * 2 - 1) * k;
    const bl = new Float32Array(layerDims[l]);
    for (let i = 0; i < bl.length; i++) bl[i] = next() - 0.5;
    W.push(w);
    b.push(bl);
  }
  return {
    config: { layerDims, activations },
    params: { W, b },
    classNames: ['cat', 'non-cat'],
    resize: 'cover',
    threshold: 0.5,
    summary: { trainImages: 209, testImages: 50, iterations: 10, hyperparameters: { learningRate: 0.0075 } },
  };
}

/** m random images, m x 12288 bytes (HWC unrolled). */
export function randomPixels(m: number, seed = 7): Uint8Array {
  const next = rng(seed);
  const X = new Uint8Array(m * N_X);
  for (let i = 0; i < X.length; i++) X[i] = Math.floor(next() * 256);
  return X;
}

function g64(kind: Activation, z: number): number {
  switch (kind) {
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z));
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(z, 0);
    case 'leaky_relu':
      return z > 0 ? z : LEAKY_SLOPE * z;
  }
}

/** Float64 forward propagation, one example at a time: probabilities (m). */
export function oracleProbabilities(model: Model, pixels: Uint8Array, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const a = new Float64Array(N_X);
    for (let i = 0; i < N_X; i++) a[i] = pixels[j * N_X + i] / 255;
    out[j] = oracleDense(model, a);
  }
  return out;
}

/** The dense layers in float64 on one example's input a0 (n_0): the probability. */
export function oracleDense(model: Model, a0: ArrayLike<number>): number {
  const { layerDims, activations } = model.config;
  let a = Float64Array.from(a0);
  for (let l = 1; l < layerDims.length; l++) {
    const W = model.params.W[l - 1];
    const b = model.params.b[l - 1];
    const nPrev = layerDims[l - 1];
    const next = new Float64Array(layerDims[l]);
    for (let r = 0; r < layerDims[l]; r++) {
      let z = b[r];
      for (let c = 0; c < nPrev; c++) z += W[r * nPrev + c] * a[c];
      next[r] = g64(activations[l - 1], z);
    }
    a = next;
  }
  return a[0];
}

/** max |a - b| over the common length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return a.length === b.length ? d : Number.POSITIVE_INFINITY;
}
