// Probabilities for many images on the main thread without blocking it: the forward pass runs in
// chunks with a turn of the event loop between them, so IPC, the web server and progress events
// keep flowing while thousands of images are scored (evaluation, image lists).

import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Model, N_X } from '../../src-core/nn/model.js';
import { predictProbabilities } from '../../src-core/nn/predict.js';

/** Images per chunk: a few milliseconds of work for the course's networks with native kernels. */
export const PREDICT_CHUNK = 128;

/**
 * Probabilities (m) as predictProbabilities, yielding between chunks. The pixels are either one
 * (m, n_x) buffer, or one n_x vector per image: those are gathered a chunk at a time, so scoring
 * 20,000 library images never copies the whole set on this thread.
 */
export async function predictChunked(
  model: Model,
  pixels: Uint8Array | readonly Uint8Array[],
  m: number,
): Promise<Float32Array> {
  // The input is always the 64x64x3 image, also for a convolutional net (whose layerDims[0] is its flattened body).
  const n_x = N_X;
  const out = new Float32Array(m);
  const chunk = Array.isArray(pixels) ? new Uint8Array(Math.min(PREDICT_CHUNK, m) * n_x) : null;
  for (let start = 0; start < m; start += PREDICT_CHUNK) {
    const rows = Math.min(PREDICT_CHUNK, m - start);
    let X: Uint8Array;
    if (chunk) {
      const vectors = pixels as readonly Uint8Array[];
      for (let i = 0; i < rows; i++) chunk.set(vectors[start + i]!, i * n_x);
      X = chunk.subarray(0, rows * n_x);
    } else {
      X = (pixels as Uint8Array).subarray(start * n_x, (start + rows) * n_x);
    }
    out.set(predictProbabilities(model, X, rows), start);
    if (start + rows < m) await nextTurn();
  }
  return out;
}
