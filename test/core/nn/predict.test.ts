// predictProbabilities against an independent per-example forward pass in float64.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import type { Activation, Model } from '../../../src-core/nn/model.js';
import { Network } from '../../../src-core/nn/network.js';
import { NotAProbability, Predictor, predictProbabilities } from '../../../src-core/nn/predict.js';
import { mulberry32 } from '../../../src-core/nn/random.js';
import { IMAGE_SHAPE } from '../../../src-core/nn/shapes.js';
import { parseLayers } from '../../../src-core/nn/spec.js';
import { forward64, toParams64 } from '../../helpers/network64.js';

const kernels = referenceKernels();

function randomModel(layerDims: number[], hidden: Activation, seed: number, scale: number): Model {
  const rand = mulberry32(seed);
  const L = layerDims.length - 1;
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 1; l <= L; l++) {
    W.push(Float32Array.from({ length: layerDims[l] * layerDims[l - 1] }, () => (rand() * 2 - 1) * scale));
    b.push(Float32Array.from({ length: layerDims[l] }, () => rand() - 0.5));
  }
  const activations: Activation[] = [...Array(L - 1).fill(hidden), 'sigmoid'];
  return {
    config: { layerDims, activations },
    params: { W, b },
    classNames: ['cat', 'non-cat'],
    resize: 'cover',
    threshold: 0.5,
    summary: {},
  };
}

/** One example at a time, straight from a[l] = g(W[l] a[l-1] + b[l]) with a[0] = x / 255. */
function oracle(model: Model, x: Uint8Array): number {
  const g: Record<Activation, (z: number) => number> = {
    sigmoid: (z) => 1 / (1 + Math.exp(-z)),
    tanh: Math.tanh,
    relu: (z) => Math.max(z, 0),
    leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  };
  const dims = model.config.layerDims;
  let a = Array.from(x, (v) => v / 255);
  for (let l = 1; l < dims.length; l++) {
    const W = model.params.W[l - 1];
    const next: number[] = [];
    for (let i = 0; i < dims[l]; i++) {
      let z = model.params.b[l - 1][i];
      for (let j = 0; j < dims[l - 1]; j++) z += W[i * dims[l - 1] + j] * a[j];
      next.push(g[model.config.activations[l - 1]](z));
    }
    a = next;
  }
  return a[0];
}

describe('predictProbabilities', () => {
  for (const hidden of ['relu', 'tanh', 'sigmoid', 'leaky_relu'] as const)
    it(`matches a per-example float64 forward pass ([10, 6, 4, 1], ${hidden})`, () => {
      const model = randomModel([10, 6, 4, 1], hidden, 42, 1);
      const m = 37;
      const rand = mulberry32(7);
      const pixels = Uint8Array.from({ length: m * 10 }, () => Math.floor(rand() * 256));
      const p = predictProbabilities(model, pixels, m, kernels);
      expect(p.length).toBe(m);
      for (let i = 0; i < m; i++) expect(p[i]).toBeCloseTo(oracle(model, pixels.subarray(i * 10, i * 10 + 10)), 5);
    });

  it('logistic regression on full-size images, across more than one chunk', () => {
    const n_x = 12288;
    const model = randomModel([n_x, 1], 'relu', 3, 0.02);
    const m = 600;
    const rand = mulberry32(9);
    const pixels = Uint8Array.from({ length: m * n_x }, () => Math.floor(rand() * 256));
    const p = predictProbabilities(model, pixels, m, kernels);
    for (const i of [0, 1, 511, 512, 599])
      expect(p[i]).toBeCloseTo(oracle(model, pixels.subarray(i * n_x, (i + 1) * n_x)), 5);
  });

  it('rejects too few pixel bytes with a clear message', () => {
    const model = randomModel([10, 1], 'relu', 1, 1);
    expect(() => predictProbabilities(model, new Uint8Array(15), 2, kernels)).toThrow(/2 examples need 20 pixel bytes/);
  });

  it('a convolutional model on 64x64 images: the same as a float64 forward pass, over chunks of a Predictor', () => {
    const config = parseLayers('c2,p,c3k5,p,4', 'tanh');
    const net = new Network(config, 1, kernels);
    const rand = mulberry32(5);
    for (let i = 0; i < net.paramSlab.length; i++) net.paramSlab[i] = (rand() * 2 - 1) * 0.3;
    const model: Model = { ...randomModel([1, 1], 'relu', 1, 1), config, params: net.copyParameters() };
    const m = 3;
    const n_x = 12288;
    const pixels = Uint8Array.from({ length: m * n_x }, () => Math.floor(rand() * 256));
    const out = new Float32Array(m);
    new Predictor(model, 2, kernels).predictInto(pixels, m, out);
    const p = toParams64(model.params);
    for (let i = 0; i < m; i++) {
      const x = Array.from(pixels.subarray(i * n_x, (i + 1) * n_x), (v) => v / 255);
      expect(out[i]).toBeCloseTo(forward64(config, p, x, IMAGE_SHAPE), 5);
    }
    expect(Array.from(predictProbabilities(model, pixels, m, kernels))).toEqual(Array.from(out));
    const predictor = new Predictor(model, 1, kernels);
    const { maps, probabilities } = predictor.featureMaps(pixels.subarray(n_x), 1);
    expect(maps.map((f) => f.A.length)).toEqual([2 * 64 * 64, 2 * 32 * 32, 3 * 32 * 32, 3 * 16 * 16]);
    expect(probabilities[0]).toBe(out[1]);
    const saliency = new Float32Array(n_x);
    predictor.inputGradient(pixels, 1, saliency);
    expect(saliency.some((v) => v !== 0)).toBe(true); // checked against finite differences in cnn.test.ts
  });

  it('a NaN or overflowing output is an error naming the image, never a probability', () => {
    const model = randomModel([10, 1], 'relu', 1, 1);
    model.params.b[0]![0] = Number.NaN;
    expect(() => predictProbabilities(model, new Uint8Array(20), 2, kernels)).toThrow(
      /gave NaN instead of a probability for image 1/,
    );
    try {
      predictProbabilities(model, new Uint8Array(20), 2, kernels);
    } catch (error) {
      expect(error).toBeInstanceOf(NotAProbability);
      expect((error as NotAProbability).code).toBe('not-finite');
    }
  });
});
