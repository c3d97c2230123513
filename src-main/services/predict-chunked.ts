// Probabilities for many images on the main thread without blocking it: the forward pass runs in
// chunks with a turn of the event loop between them, so IPC, the web server and progress events
// keep flowing while thousands of images are scored (evaluation, image lists).

import { setImmediate as nextTurn } from 'node:timers/promises';
import { chunks } from '../../src-core/nn/chunks.js';
import { predictionChunk } from '../../src-core/nn/memory.js';
import type { Model } from '../../src-core/nn/model.js';
import { Predictor } from '../../src-core/nn/predict.js';

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
  const out = new Float32Array(m);
  if (m === 0) return out;
  const size = Math.min(PREDICT_CHUNK, predictionChunk(model.config), m); // a CNN's caches are larger
  const predictor = new Predictor(model, size);
  const n_x = predictor.inputSize;
  const chunk = Array.isArray(pixels) ? new Uint8Array(size * n_x) : null;
  for (const [start, rows] of chunks(m, size)) {
    let X: Uint8Array;
    if (chunk) {
      const vectors = pixels as readonly Uint8Array[];
      for (let i = 0; i < rows; i++) chunk.set(vectors[start + i]!, i * n_x);
      X = chunk.subarray(0, rows * n_x);
    } else {
      X = (pixels as Uint8Array).subarray(start * n_x, (start + rows) * n_x);
    }
    predictor.predictInto(X, rows, out.subarray(start, start + rows));
    if (start + rows < m) await nextTurn();
  }
  return out;
}
