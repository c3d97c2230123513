// Chunked prediction equals one forward pass over all images (the oracle), on a count that is not a
// multiple of the chunk, and lets other callbacks run between chunks.

import { describe, expect, it } from 'vitest';
import { initializeParameters } from '../../src-core/nn/init.js';
import { type Model, N_X } from '../../src-core/nn/model.js';
import { predictProbabilities } from '../../src-core/nn/predict.js';
import { PREDICT_CHUNK, predictChunked } from '../../src-main/services/predict-chunked.js';

function randomModel(): Model {
  const layerDims = [N_X, 5, 3, 1];
  const params = {
    W: layerDims.slice(1).map((n, l) => new Float32Array(n * layerDims[l]!)),
    b: layerDims.slice(1).map((n) => new Float32Array(n)),
  };
  initializeParameters(params, layerDims, 'he', 3);
  return {
    config: { layerDims, activations: ['relu', 'tanh', 'sigmoid'] },
    params,
    classNames: ['a', 'b'],
    resize: 'cover',
    threshold: 0.5,
    summary: {},
  };
}

describe('predictChunked', () => {
  it('gives the same probabilities as one pass, and yields between chunks', async () => {
    const m = 2 * PREDICT_CHUNK + 37;
    const pixels = new Uint8Array(m * N_X);
    let s = 7;
    for (let i = 0; i < pixels.length; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      pixels[i] = s >>> 24;
    }
    const model = randomModel();
    let turns = 0;
    const tick = () => {
      turns++;
      if (turns < 1000) setImmediate(tick);
    };
    setImmediate(tick);
    const chunked = await predictChunked(model, pixels, m);
    const turnsDuring = turns;
    turns = 1000;
    const whole = predictProbabilities(model, pixels, m);
    expect(Array.from(chunked)).toEqual(Array.from(whole));
    expect(turnsDuring).toBeGreaterThanOrEqual(2);
  });

  it('scores a list of per-image vectors (gathered a chunk at a time) exactly like one buffer', async () => {
    const m = PREDICT_CHUNK + 5;
    const vectors = Array.from({ length: m }, (_, i) =>
      Uint8Array.from({ length: N_X }, (_, k) => (i * 31 + k * 7) & 255),
    );
    const joined = new Uint8Array(m * N_X);
    for (const [i, v] of vectors.entries()) joined.set(v, i * N_X);
    const model = randomModel();
    const fromVectors = await predictChunked(model, vectors, m);
    expect(Array.from(fromVectors)).toEqual(Array.from(predictProbabilities(model, joined, m)));
  });

  it('handles zero images', async () => {
    expect((await predictChunked(randomModel(), new Uint8Array(0), 0)).length).toBe(0);
  });
});
