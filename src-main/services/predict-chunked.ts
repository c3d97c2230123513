// Probabilities for many images on the main thread without blocking it: the forward pass runs in
// chunks with a turn of the event loop between them, so IPC, the web server and progress events
// keep flowing while thousands of images are scored (evaluation, image lists).

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Model } from '../../src-core/nn/model.js';
import { predictProbabilities } from '../../src-core/nn/predict.js';

/** Images per chunk: a few milliseconds of work for the course's networks with native kernels. */
export const PREDICT_CHUNK = 128;

/** pixels (m, n_x) -> probabilities (m), as predictProbabilities, yielding between chunks. */
export async function predictChunked(model: Model, pixels: Uint8Array, m: number): Promise<Float32Array> {
  const n_x = model.config.layerDims[0]!;
  const out = new Float32Array(m);
  for (let start = 0; start < m; start += PREDICT_CHUNK) {
    const rows = Math.min(PREDICT_CHUNK, m - start);
    out.set(predictProbabilities(model, pixels.subarray(start * n_x, (start + rows) * n_x), rows), start);
    if (start + rows < m) await nextTurn();
  }
  return out;
}
