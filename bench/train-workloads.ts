// The training workloads the benchmark times, each run inside one child process (see child.ts):
// - course: the course's 4-layer net [12288, 20, 7, 5, 1] full batch on 209 examples, one iteration
//   = forward + cost + backward + gradient-descent update, timed per iteration;
// - scale: mini-batch epochs over N synthetic images (uint8, like an imported dataset), per-image
//   cost and the process's peak RSS.
// Both use the engine exactly as training does: nn/network.ts on the kernels getKernels() picks.

import { randomFillSync } from 'node:crypto';
import type { BackendInfo, Kernels } from '../src-core/kernels/kernels.js';
import { getKernels } from '../src-core/kernels/select.js';
import { networkConfig } from '../src-core/nn/config.js';
import { initializeParameters } from '../src-core/nn/init.js';
import { N_X } from '../src-core/nn/model.js';
import { Network } from '../src-core/nn/network.js';
import { Random } from '../src-core/nn/random.js';
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
  const pixels = new Uint8Array(m * N_X);
  for (let off = 0; off < pixels.length; off += 1 << 26) {
    randomFillSync(pixels, off, Math.min(1 << 26, pixels.length - off));
  }
  const rng = new Random(seed);
  const labels = new Float32Array(m);
  for (let i = 0; i < m; i++) labels[i] = rng.uniform() < 0.5 ? 1 : 0;
  return { pixels, labels };
}

function courseNetwork(batch: number, kernels: Kernels): Network {
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

/** Times up to `iterations` full-batch iterations, stopping early after `budgetMs` (at least 2). */
export function runCourse(iterations: number, budgetMs: number): CourseRun {
  const kernels = getKernels();
  const net = courseNetwork(COURSE_M, kernels);
  const { pixels, labels } = syntheticPixels(COURSE_M);
  const v = new Float32Array(net.paramSlab.length);
  let J = step(net, kernels, pixels, labels, COURSE_M, v); // warm-up: thread pool, page faults
  const samples: number[] = [];
  const start = nowMs();
  while (samples.length < iterations && (samples.length < 2 || nowMs() - start < budgetMs)) {
    const t0 = nowMs();
    J = step(net, kernels, pixels, labels, COURSE_M, v);
    samples.push(nowMs() - t0);
  }
  const flop = flopPerIteration(net.layerDims, COURSE_M);
  const ms = median(samples);
  return {
    backend: kernels.info,
    layer_dims: [...net.layerDims],
    m: COURSE_M,
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
  partial_epoch: boolean;
  seconds: number;
  us_per_image: number;
  peak_rss_mb: number;
  dataset_mb: number;
  final_cost: number;
}

/**
 * Mini-batch gradient descent over `images` synthetic images: each epoch shuffles, then for every
 * batch gathers its rows (bytes) and takes one step. Runs whole epochs until `minMs` has passed,
 * but stops inside an epoch once `budgetMs` has (reported as a partial epoch).
 */
export function runScale(images: number, batch: number, minMs: number, budgetMs: number): ScaleRun {
  const kernels = getKernels();
  const net = courseNetwork(batch, kernels);
  const { pixels, labels } = syntheticPixels(images);
  const Xb = new Uint8Array(batch * N_X);
  const Yb = new Float32Array(batch);
  const v = new Float32Array(net.paramSlab.length);
  const order = new Uint32Array(images);
  for (let i = 0; i < images; i++) order[i] = i;
  const rng = new Random(3);

  const trainBatch = (from: number, mb: number): number => {
    for (let r = 0; r < mb; r++) {
      const i = order[from + r];
      Xb.set(pixels.subarray(i * N_X, (i + 1) * N_X), r * N_X);
      Yb[r] = labels[i];
    }
    return step(net, kernels, Xb, Yb, mb, v);
  };
  trainBatch(0, Math.min(batch, images)); // warm-up

  let examples = 0;
  let J = Number.NaN;
  let partial = false;
  const start = nowMs();
  epochs: for (;;) {
    for (let i = images - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let from = 0; from < images; from += batch) {
      const mb = Math.min(batch, images - from);
      J = trainBatch(from, mb);
      examples += mb;
      if (nowMs() - start > budgetMs && examples % images !== 0) {
        partial = true;
        break epochs;
      }
    }
    if (nowMs() - start >= minMs) break;
  }
  const seconds = (nowMs() - start) / 1000;
  return {
    backend: kernels.info,
    images,
    batch,
    examples,
    epochs: examples / images,
    partial_epoch: partial,
    seconds,
    us_per_image: (seconds * 1e6) / examples,
    peak_rss_mb: peakRssMb(),
    dataset_mb: pixels.length / 2 ** 20,
    final_cost: J,
  };
}
