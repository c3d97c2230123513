// CNN fixtures for the ONNX tests: seeded random convolutional models, and an oracle for their
// probabilities computed with the reference kernels (the engine's specification: conv, max-pool)
// followed by the float64 dense layers. Independent of nn/'s network code, so export and import can
// be checked against it before and regardless of the engine's own forward pass.

import { conv2dForward, conv2dForwardU8, maxPool2Forward } from '../../src-core/kernels/reference-conv.js';
import type { Activation, FeatureSpec, Model } from '../../src-core/nn/model.js';
import { N_X } from '../../src-core/nn/model.js';
import { bodyShapes, mapSize } from '../../src-core/onnx/conv-shapes.js';
import { oracleDense, rng } from './onnx-oracle.js';

/** "c4,p,c6k5,p" -> specs (activation g for every conv), the --layers notation for the body. */
export function features(text: string, g: Activation): FeatureSpec[] {
  return text.split(',').map((t) => {
    if (t === 'p') return { kind: 'pool' };
    const [, filters, size] = /^c(\d+)(?:k(\d+))?$/.exec(t)!;
    return { kind: 'conv', filters: Number(filters), size: Number(size ?? 3), activation: g };
  });
}

/**
 * A random CNN: the body, flattened, then dense layers [n_0, ...hidden, 1]. Weights ~ U(-1, 1) *
 * scale / sqrt(fan_in), biases ~ U(-0.5, 0.5) (conv biases smaller), so probabilities spread over (0, 1).
 */
export function randomCnnModel(body: FeatureSpec[], hidden: number[], g: Activation, seed = 1, scale = 2): Model {
  const next = rng(seed);
  const uniform = (n: number, k: number) => Float32Array.from({ length: n }, () => (next() * 2 - 1) * k);
  const shapes = bodyShapes({ features: body, layerDims: [], activations: [] });
  const convW: Float32Array[] = [];
  const convB: Float32Array[] = [];
  for (const [i, f] of body.entries()) {
    if (f.kind !== 'conv') continue;
    const fanIn = shapes[i].c * f.size * f.size;
    convW.push(uniform(f.filters * fanIn, scale / Math.sqrt(fanIn)));
    convB.push(uniform(f.filters, 0.1));
  }
  const layerDims = [mapSize(shapes[shapes.length - 1]), ...hidden, 1];
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 1; l < layerDims.length; l++) {
    W.push(uniform(layerDims[l] * layerDims[l - 1], scale / Math.sqrt(layerDims[l - 1])));
    b.push(uniform(layerDims[l], 0.5));
  }
  return {
    config: { features: body, layerDims, activations: [...hidden.map(() => g), 'sigmoid'] },
    params: { W, b, convW, convB },
    classNames: ['cat', 'dog'],
    resize: 'cover',
    threshold: 0.5,
    summary: { trainImages: 100, iterations: 3 },
  };
}

/** The body's output for each image, (m, n_0) with CHW order per image, by the reference kernels. */
export function referenceBody(model: Model, pixels: Uint8Array, m: number): Float32Array {
  const body = model.config.features ?? [];
  const shapes = bodyShapes(model.config);
  let A: Float32Array | undefined; // (m, c, h, w); undefined = still the image bytes
  let j = 0;
  for (const [i, f] of body.entries()) {
    const { c, h, w } = shapes[i];
    const out = new Float32Array(m * mapSize(shapes[i + 1]));
    if (f.kind === 'pool') {
      const planes = A ?? bytesToMaps(pixels, m);
      maxPool2Forward(out, planes, m * c, h, w);
    } else {
      const s = { m, c_in: c, h, w, c_out: f.filters, k: f.size };
      const Z = new Float32Array(out.length);
      const [Wc, bc] = [model.params.convW![j], model.params.convB![j]];
      if (A) conv2dForward(f.activation, Z, out, A, Wc, bc, s);
      else conv2dForwardU8(f.activation, Z, out, pixels, 1 / 255, Wc, bc, s);
      j++;
    }
    A = out;
  }
  return A ?? bytesToMaps(pixels, m);
}

/** Image bytes (m, 64, 64, 3) HWC -> (m, 3, 64, 64) floats / 255. */
function bytesToMaps(pixels: Uint8Array, m: number): Float32Array {
  const out = new Float32Array(m * N_X);
  const hw = N_X / 3;
  for (let i = 0; i < m; i++)
    for (let p = 0; p < hw; p++)
      for (let c = 0; c < 3; c++) out[i * N_X + c * hw + p] = pixels[i * N_X + p * 3 + c] / 255;
  return out;
}

/** Probabilities (m): the reference body, then the dense layers in float64. */
export function cnnOracleProbabilities(model: Model, pixels: Uint8Array, m: number): Float64Array {
  const n0 = model.config.layerDims[0];
  const A0 = referenceBody(model, pixels, m);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = oracleDense(model, A0.subarray(i * n0, (i + 1) * n0));
  return out;
}
