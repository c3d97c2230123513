// Kernel figures for `npm run bench`: GFLOP/s of the GEMMs of the course's 4-layer net
// [12288, 20, 7, 5, 1] on m = 209 images (the layer-1 products dominate: 2 x 51 M multiply-adds per
// iteration), per backend and per instruction set (forced in-process with setNativeIsa), 1 thread vs
// all threads, and the time of one full-batch training iteration. Benchmarks only: nothing asserted.

import { loadavg } from 'node:os';
import type { Kernels } from '../src-core/kernels/kernels.js';
import { nativeInfo, nativeKernels, setNativeIsa, setNativeThreads } from '../src-core/kernels/native.js';
import { referenceKernels } from '../src-core/kernels/reference.js';
import { N_X } from '../src-core/nn/model.js';
import { courseNetwork, flopPerIteration, COURSE_HIDDEN as HIDDEN, COURSE_M as M_IMAGES } from './train-workloads.js';

const N1 = HIDDEN[0];

export interface BenchKernelsOptions {
  /** Shorter timing budgets (CI smoke run). */
  quick?: boolean;
  /** FMA peak of the whole machine in GFLOP/s, for the percent-of-peak figures (default 400). */
  peakGflops?: number;
  log?: (line: string) => void;
}

interface Timing {
  ms_median: number;
  ms_min: number;
  gflops: number;
  gflops_best: number;
  calls: number;
}

/** Median and best time per call of `run` after a warm-up, within about `budgetMs` (at least `minCalls`). */
function time(run: () => void, flop: number, budgetMs: number, minCalls = 5): Timing {
  for (let i = 0; i < (minCalls < 5 ? 1 : 3); i++) run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minCalls || (performance.now() - start < budgetMs && samples.length < 5000)) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const best = samples[0];
  return {
    ms_median: round(median),
    ms_min: round(best),
    gflops: round(flop / (median * 1e6), 1),
    gflops_best: round(flop / (best * 1e6), 1),
    calls: samples.length,
  };
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Deterministic data shaped like the course workload: pixels (m, n_x) bytes, W1 (n1, n_x), dZ1 (n1, m). */
function workload() {
  let s = 12345;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const X = new Uint8Array(M_IMAGES * N_X).map(() => Math.floor(256 * next()));
  const Xf = new Float32Array(X.length).map((_, i) => X[i] / 255);
  const W1 = new Float32Array(N1 * N_X).map(() => 0.01 * (next() - 0.5));
  const dZ1 = new Float32Array(N1 * M_IMAGES).map(() => next() - 0.5);
  const Y = new Float32Array(M_IMAGES).map(() => (next() < 0.5 ? 1 : 0));
  return { X, Xf, W1, dZ1, Y, Z1: new Float32Array(N1 * M_IMAGES), dW1: new Float32Array(N1 * N_X) };
}

type Data = ReturnType<typeof workload>;
const LAYER1_FLOP = 2 * N1 * M_IMAGES * N_X;
const ITERATION_FLOP = flopPerIteration([N_X, ...HIDDEN, 1], M_IMAGES);

/** The two layer-1 products as the network calls them, plus float32 versions for comparison. */
function layer1Shapes(k: Kernels, d: Data): Record<string, () => void> {
  return {
    // Z1 (20, 209) = (1/255) W1 (20, 12288) . pixels^T, pixels stored (209, 12288)
    forward_gemmU8_transB: () => k.gemmU8(true, N1, M_IMAGES, N_X, 1 / 255, d.W1, d.X, 0, d.Z1),
    // dW1 (20, 12288) = (1/255m) dZ1 (20, 209) . pixels (209, 12288)
    backward_gemmU8: () => k.gemmU8(false, N1, N_X, M_IMAGES, 1 / (255 * M_IMAGES), d.dZ1, d.X, 0, d.dW1),
    forward_gemm_f32_transB: () => k.gemm(false, true, N1, M_IMAGES, N_X, 1, d.W1, d.Xf, 0, d.Z1),
    backward_gemm_f32: () => k.gemm(false, false, N1, N_X, M_IMAGES, 1 / M_IMAGES, d.dZ1, d.Xf, 0, d.dW1),
  };
}

/** One full-batch iteration as training runs it: forward + cost, backward, gradient-descent update. */
function courseIteration(k: Kernels, d: Data): () => void {
  const net = courseNetwork(M_IMAGES, k);
  const v = new Float32Array(0);
  return () => {
    net.forwardCost(d.X, d.Y, M_IMAGES);
    net.backward(d.X, M_IMAGES);
    k.momentumStep(net.paramSlab, net.gradSlab, v, 0.0075, 0, net.paramSlab.length);
  };
}

export async function benchKernels(options: BenchKernelsOptions = {}): Promise<object> {
  const log = options.log ?? (() => {});
  const peak = options.peakGflops ?? 400;
  const budget = options.quick ? 120 : 400;
  const d = workload();
  const result: Record<string, unknown> = {
    workload: `course net [${N_X}, ${HIDDEN.join(', ')}, 1], m = ${M_IMAGES}, full batch; layer-1 products ${LAYER1_FLOP / 1e6} MFLOP each`,
    peak_gflops: peak,
    // Other processes on the machine make medians slower and thread speed-ups smaller: say how busy it was.
    load_average_1min_at_start: round(loadavg()[0], 2),
  };

  log('kernels: reference (TypeScript), briefly');
  const ref = referenceKernels();
  result.reference = {
    forward_gemmU8_transB: time(layer1Shapes(ref, d).forward_gemmU8_transB, LAYER1_FLOP, 0, 3),
    iteration: time(courseIteration(ref, d), ITERATION_FLOP, 0, 3),
  };

  let native: Kernels;
  try {
    native = nativeKernels();
  } catch (error) {
    result.native = { unavailable: `native addon not built: ${(error as Error).message.split('\n')[0]}` };
    return result;
  }
  const info = nativeInfo();
  const isas = info.supported.split(',') as ('avx512' | 'avx2' | 'neon' | 'scalar')[];
  const allThreads = info.threads;
  const perIsa: Record<string, unknown> = {};
  try {
    for (const isa of isas) {
      setNativeIsa(isa);
      const entry: Record<string, unknown> = {};
      for (const threads of [...new Set([1, allThreads])]) {
        setNativeThreads(threads);
        log(`kernels: native ${isa}, ${threads} thread(s)`);
        const shapes: Record<string, Timing> = {};
        for (const [name, run] of Object.entries(layer1Shapes(native, d)))
          shapes[name] = time(run, LAYER1_FLOP, isa === 'scalar' ? budget / 4 : budget);
        const iteration = time(courseIteration(native, d), ITERATION_FLOP, budget);
        entry[`threads_${threads}`] = {
          ...shapes,
          iteration,
          layer1_percent_of_peak: round(
            (100 * (shapes.forward_gemmU8_transB.gflops + shapes.backward_gemmU8.gflops)) / 2 / peak,
            1,
          ),
        };
      }
      if (allThreads > 1) {
        const one = entry.threads_1 as Record<string, Timing>;
        const all = entry[`threads_${allThreads}`] as Record<string, Timing>;
        entry.thread_speedup = Object.fromEntries(
          Object.keys(all)
            .filter((name) => one[name]?.ms_median)
            .map((name) => [name, round(one[name].ms_median / all[name].ms_median, 2)]),
        );
      }
      perIsa[isa] = entry;
    }
  } finally {
    setNativeIsa(info.isa);
    setNativeThreads(allThreads);
  }
  result.native = { default_isa: info.isa, supported: info.supported, threads: allThreads, isa: perIsa };
  result.load_average_1min_at_end = round(loadavg()[0], 2);
  return result;
}
