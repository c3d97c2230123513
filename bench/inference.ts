// Inference figures: one image classified end to end (read, decode, resize to 64x64, forward pass)
// as a median latency, and a whole folder predicted (images/s). The model is the course's 4-layer
// net with its seeded initial parameters: the cost of a forward pass does not depend on the values.

import { availableParallelism } from 'node:os';
import { loadImageFile } from '../src-core/data/images.js';
import { loadImages } from '../src-core/data/load-images.js';
import { getKernels } from '../src-core/kernels/select.js';
import type { Model } from '../src-core/nn/model.js';
import { predictProbabilities } from '../src-core/nn/predict.js';
import { median, nowMs, quantile } from './stats.js';
import { courseNetwork } from './train-workloads.js';

export interface InferenceResults {
  backend: string;
  /** The very first image (sharp and kernels warming up), not part of the median. */
  first_image_ms: number;
  single_image_ms_median: number;
  single_image_ms_p90: number;
  single_images: number;
  folder_images: number;
  folder_images_per_s: number;
  folder_concurrency: number;
}

function courseModel(): Model {
  const net = courseNetwork(1, getKernels());
  return {
    config: net.config,
    params: net.copyParameters(),
    classNames: ['cat', 'non-cat'],
    resize: 'cover',
    threshold: 0.5,
    summary: {},
  };
}

/** The folder through the loader `catnet predict` uses (loadImages: batched fast JPEG path); rows in file order. */
async function loadFolder(files: readonly string[], concurrency: number): Promise<Uint8Array> {
  const { pixels, rejected } = await loadImages(files, 'cover', concurrency);
  if (rejected.length > 0)
    throw new Error(`inference bench: ${files[rejected[0].index]} was rejected (${rejected[0].message})`);
  return pixels;
}

export async function benchInference(files: readonly string[], quick: boolean): Promise<InferenceResults> {
  const model = courseModel();
  const t0 = nowMs();
  predictProbabilities(model, await loadImageFile(files[0]), 1);
  const first = nowMs() - t0;

  const count = Math.min(files.length, quick ? 10 : 200);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = nowMs();
    const p = predictProbabilities(model, await loadImageFile(files[i]), 1);
    samples.push(nowMs() - start);
    if (!(p[0] >= 0 && p[0] <= 1)) throw new Error(`inference bench: probability ${p[0]} for ${files[i]}`);
  }

  const concurrency = Math.max(4, 2 * availableParallelism());
  const start = nowMs();
  const pixels = await loadFolder(files, concurrency);
  predictProbabilities(model, pixels, files.length);
  const seconds = (nowMs() - start) / 1000;

  return {
    backend: getKernels().info.backend,
    first_image_ms: first,
    single_image_ms_median: median(samples),
    single_image_ms_p90: quantile(samples, 0.9),
    single_images: count,
    folder_images: files.length,
    folder_images_per_s: files.length / seconds,
    folder_concurrency: concurrency,
  };
}
