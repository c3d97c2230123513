// The training workloads the benchmark times, each run inside one child process (see child.ts):
// - course: the course's 4-layer net [12288, 20, 7, 5, 1] full batch on 209 examples, one iteration
//   = forward + cost + backward + gradient-descent update, timed per iteration;
// - scale: train() (src-core/train/train.ts, the app's loop) in mini-batch mode over N synthetic
//   images (uint8, like an imported dataset): per-image cost and the process's peak RSS.
// Both run on the kernels getKernels() picks (CATNET_BACKEND, CATNET_THREADS set by the parent).

import { randomFillSync } from 'node:crypto';
import { sharedPixels } from '../src-core/data/pixel-memory.js';
import type { BackendInfo, Kernels } from '../src-core/kernels/kernels.js';
import { getKernels } from '../src-core/kernels/select.js';
import { networkConfig } from '../src-core/nn/config.js';
import { initializeParameters } from '../src-core/nn/init.js';
import { N_X } from '../src-core/nn/model.js';
import { Network } from '../src-core/nn/network.js';
import { Random } from '../src-core/nn/random.js';
import { train } from '../src-core/train/train.js';
import { median, nowMs, peakRssMb, quantile } from './stats.js';

export const COURSE_HIDDEN = [20, 7, 5];
export const COURSE_M = 209;
const LEARNING_RATE = 0.0075;

/** Multiply-adds x 2 of one iteration: forward W A for every layer, backward dW for every layer, dA[l-1] for l >= 2. */
export function flopPerIteration(layerDims: readonly number[], m: number): number {
  let flop = 0;
  for (let l = 1; l < layerDims.length; l++) {
    const mac = layerDims[l] * layerDims[l - 1] * m;
    flop += 2 * mac * (l === 1 ? 2 : 3);
  }
  return flop;
}

/** Uniform random bytes (m, n_x) and 0/1 labels: what an imported dataset looks like to the engine. */
export function syntheticPixels(m: number, seed = 7): { pixels: Uint8Array; labels: Float32Array } {
  // Shared memory allocated the way the app's import allocates a Dataset (huge pages asked for), so a
  // worker reads them without a copy.
  const pixels = sharedPixels(m * N_X);
  for (let off = 0; off < pixels.length; off += 1 << 26) {
    randomFillSync(pixels, off, Math.min(1 << 26, pixels.length - off));
  }
  const rng = new Random(seed);
  const labels = new Float32Array(m);
  for (let i = 0; i < m; i++) labels[i] = rng.uniform() < 0.5 ? 1 : 0;
  return { pixels, labels };
}

/** The course net with its seeded initial parameters, for `batch` examples at a time. */
export function courseNetwork(batch: number, kernels: Kernels): Network {
  const net = new Network(networkConfig(COURSE_HIDDEN, 'relu'), batch, kernels);
  initializeParameters(net.params, net.layerDims, 'course', 1);
  return net;
}

/** One gradient-descent step on (X, Y, m); returns the cost. `v` is unused scratch (beta = 0). */
function step(net: Network, kernels: Kernels, X: Uint8Array, Y: Float32Array, m: number, v: Float32Array): number {
  const J = net.forwardCost(X, Y, m);
  net.backward(X, m);
  kernels.momentumStep(net.paramSlab, net.gradSlab, v, LEARNING_RATE, 0, net.paramSlab.length);
  return J;
}

export interface CourseRun {
  backend: BackendInfo;
  layer_dims: number[];
  m: number;
  iterations: number;
  ms_median: number;
  ms_min: number;
  ms_p90: number;
  flop_per_iteration: number;
  gflops: number;
  final_cost: number;
}

/** The kernels of this process, or why they could not load (CATNET_BACKEND=native without the addon). */
function kernelsOrReason(): Kernels | { unavailable: string } {
  try {
    return getKernels();
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
}

/** Times up to `iterations` full-batch iterations, stopping early after `budgetMs` (at least 2). */
export function runCourse(iterations: number, budgetMs: number, m = COURSE_M): CourseRun | { unavailable: string } {
  const kernels = kernelsOrReason();
  if ('unavailable' in kernels) return kernels;
  const net = courseNetwork(m, kernels);
  const { pixels, labels } = syntheticPixels(m);
  const v = new Float32Array(net.paramSlab.length);
  let J = step(net, kernels, pixels, labels, m, v); // warm-up: thread pool, page faults
  const samples: number[] = [];
  const start = nowMs();
  while (samples.length < iterations && (samples.length < 2 || nowMs() - start < budgetMs)) {
    const t0 = nowMs();
    J = step(net, kernels, pixels, labels, m, v);
    samples.push(nowMs() - t0);
  }
  const flop = flopPerIteration(net.layerDims, m);
  const ms = median(samples);
  return {
    backend: kernels.info,
    layer_dims: [...net.layerDims],
    m,
    iterations: samples.length,
    ms_median: ms,
    ms_min: Math.min(...samples),
    ms_p90: quantile(samples, 0.9),
    flop_per_iteration: flop,
    gflops: flop / (ms * 1e6),
    final_cost: J,
  };
}

export interface ScaleRun {
  backend: BackendInfo;
  images: number;
  batch: number;
  /** Examples trained on in the timed part (several epochs for small sets, maybe part of one for large). */
  examples: number;
  epochs: number;
  seconds: number;
  us_per_image: number;
  peak_rss_mb: number;
  dataset_mb: number;
  final_cost: number;
}

/**
 * train() in mini-batch mode (batch `batch`, plain gradient descent, the course net) over `images`
 * synthetic images. It is cancelled at the first progress report after `minMs` once a whole epoch
 * is done, or after `budgetMs` even inside the first epoch. The cost per image comes from that
 * progress report (updates x batch over train()'s own elapsed time), so setup and the final
 * whole-set evaluation are not counted.
 */
export async function runScale(
  images: number,
  batch: number,
  minMs: number,
  budgetMs: number,
): Promise<ScaleRun | { unavailable: string }> {
  const kernels = kernelsOrReason();
  if ('unavailable' in kernels) return kernels;
  const { pixels, labels } = syntheticPixels(images);
  const Y = Uint8Array.from(labels);
  const controller = new AbortController();
  const stepsPerEpoch = Math.ceil(images / batch);
  let examples = 0;
  let seconds = 0;
  let cost = Number.NaN;
  await train(
    { X: pixels, Y, m: images },
    {
      hiddenLayers: COURSE_HIDDEN,
      activation: 'relu',
      init: 'course',
      learningRate: LEARNING_RATE,
      iterations: 1_000_000,
      batchSize: batch,
      progressIntervalMs: 100,
    },
    {
      kernels,
      signal: controller.signal,
      onProgress: (p) => {
        // train() reports once more after the final whole-set evaluation: that time is not training.
        if (controller.signal.aborted) return;
        const fullEpochs = Math.floor(p.iteration / stepsPerEpoch); // every batch but an epoch's last is full
        examples = fullEpochs * images + (p.iteration - fullEpochs * stepsPerEpoch) * batch;
        seconds = p.elapsedSeconds;
        cost = p.cost;
        const ms = seconds * 1000;
        if ((ms >= minMs && examples >= images) || ms >= budgetMs) controller.abort();
      },
    },
  );
  return {
    backend: kernels.info,
    images,
    batch,
    examples,
    epochs: examples / images,
    seconds,
    us_per_image: (seconds * 1e6) / examples,
    peak_rss_mb: peakRssMb(),
    dataset_mb: pixels.length / 2 ** 20,
    final_cost: cost,
  };
}
