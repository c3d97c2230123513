// Training figures: the course's 4-layer net per backend (native, reference), one thread against two,
// and how the per-image cost of mini-batch epochs holds from 1,000 to 100,000 images. Every figure
// comes from its own child process (child.ts) running a workload of train-workloads.ts.

import type { BackendInfo } from '../src-core/kernels/kernels.js';
import { runChild } from './child.js';
import { round } from './stats.js';
import { COURSE_M, type CourseRun, type ScaleRun } from './train-workloads.js';

export interface Unavailable {
  unavailable: string;
}

export interface TrainingResults {
  course_net: {
    layer_dims: number[];
    m: number;
    flop_per_iteration: number;
    backends: { native: CourseRun | Unavailable; reference: CourseRun | Unavailable };
    /** The fastest backend's figures (median, and fastest single iteration). */
    ms_per_iteration: number;
    ms_min: number;
    backend: string;
    gflops: number;
    percent_of_peak: number;
  };
  threads:
    | {
        one_ms: number;
        two_ms: number;
        speedup: number;
        backend: BackendInfo;
        /** Median ms of every run, in the order run (1 and 2 threads alternate); one_ms / two_ms are the best. */
        runs_ms: { one: number[]; two: number[] };
      }
    | Unavailable;
  scaling:
    | {
        batch: number;
        /** Per size, the run with the median us_per_image of its rounds. */
        runs: ScaleRun[];
        /** us_per_image of every round, per size (sizes in the order of runs). */
        us_per_image_rounds: number[][];
        /** us_per_image of each run divided by the smallest run's. */
        cost_ratio_vs_smallest: number[];
        peak_rss_mb_largest: number;
      }
    | Unavailable;
}

export interface TrainingOptions {
  quick: boolean;
  peakGflops: number;
  log: (line: string) => void;
}

type Env = Record<string, string | undefined>;

function course(env: Env, iterations: number, budgetMs: number, m = COURSE_M) {
  return runChild<CourseRun | Unavailable>(
    'course',
    ['--iterations', String(iterations), '--budget-ms', String(budgetMs), '--m', String(m)],
    { env, timeoutMs: 300_000 },
  );
}

/** Rounds of the scaling runs (all sizes, then again). */
const SCALE_ROUNDS = 3;

async function scaling(opts: TrainingOptions): Promise<TrainingResults['scaling']> {
  const { quick, log } = opts;
  const batch = quick ? 32 : 256;
  const sizes = quick ? [100, 300, 1000] : [1000, 10_000, 100_000];
  const minMs = quick ? 100 : 3000;
  const budgetMs = quick ? 300 : 60_000;
  // Rounds over all sizes, each size keeping its median run: on a virtual machine one child may run
  // 30% faster or slower than the rest (vCPU placement), and one such run must not decide a ratio.
  const rounds = quick ? 1 : SCALE_ROUNDS;
  const bySize: ScaleRun[][] = sizes.map(() => []);
  for (let r = 0; r < rounds; r++)
    for (const [s, images] of sizes.entries()) {
      const first = bySize[0][0];
      // ETA from the first run's per-image cost: at least minMs, at most budgetMs, plus making the data.
      const eta = first
        ? ` (about ${Math.ceil(Math.min(budgetMs, Math.max(minMs, (first.us_per_image * images) / 1e3)) / 1000 + images / 50_000)} s)`
        : '';
      log(
        `training: mini-batch epochs over ${images.toLocaleString('en')} synthetic images, batch ${batch}, round ${r + 1}/${rounds}${eta}`,
      );
      const run = await runChild<ScaleRun | Unavailable>(
        'scale',
        [
          '--images',
          String(images),
          '--batch',
          String(batch),
          '--min-ms',
          String(minMs),
          '--budget-ms',
          String(budgetMs),
        ],
        { timeoutMs: budgetMs + 300_000 },
      );
      if ('unavailable' in run) return run;
      log(
        `training: ${images} images: ${round(run.us_per_image)} us/image over ${round(run.epochs, 3)} epochs, peak RSS ${Math.round(run.peak_rss_mb)} MB`,
      );
      bySize[s].push(run);
    }
  const runs = bySize.map((all) => [...all].sort((a, b) => a.us_per_image - b.us_per_image)[(all.length - 1) >> 1]);
  return {
    batch,
    runs,
    us_per_image_rounds: bySize.map((all) => all.map((r) => r.us_per_image)),
    cost_ratio_vs_smallest: runs.map((r) => r.us_per_image / runs[0].us_per_image),
    peak_rss_mb_largest: Math.max(...bySize[bySize.length - 1].map((r) => r.peak_rss_mb)),
  };
}

/** Alternating runs at 1 and 2 threads: a burst of load from other processes then hits one run of
 * each rather than one whole side; each side keeps its best median. */
const THREAD_ROUNDS = 3;

async function threadScaling(quick: boolean, log: (line: string) => void): Promise<TrainingResults['threads']> {
  const rounds = quick ? 1 : THREAD_ROUNDS;
  log(`training: native backend at CATNET_THREADS=1 and 2, alternating, ${rounds} runs each`);
  const runs = { one: [] as number[], two: [] as number[] };
  let backend: BackendInfo | undefined;
  for (let r = 0; r < rounds; r++) {
    for (const [key, n] of [
      ['one', '1'],
      ['two', '2'],
    ] as const) {
      const run = await course({ CATNET_BACKEND: 'native', CATNET_THREADS: n }, quick ? 3 : 300, quick ? 100 : 3000);
      if (!('ms_median' in run)) return { unavailable: 'the native backend did not load with CATNET_THREADS set' };
      runs[key].push(run.ms_median);
      if (key === 'two') backend = run.backend;
    }
  }
  const one_ms = Math.min(...runs.one);
  const two_ms = Math.min(...runs.two);
  return { one_ms, two_ms, speedup: one_ms / two_ms, backend: backend!, runs_ms: runs };
}

export async function benchTraining(opts: TrainingOptions): Promise<TrainingResults> {
  const { quick, log } = opts;
  log('training: course 4-layer net, native backend');
  const native = await course(
    { CATNET_BACKEND: 'native', CATNET_THREADS: undefined },
    quick ? 5 : 400,
    quick ? 200 : 3000,
  );
  log('training: course 4-layer net, reference (TypeScript) backend');
  const reference = await course(
    { CATNET_BACKEND: 'reference', CATNET_THREADS: undefined },
    quick ? 1 : 5,
    quick ? 0 : 3000,
    quick ? 16 : COURSE_M,
  );

  const candidates = [native, reference].filter((r): r is CourseRun => 'ms_median' in r && r.m === COURSE_M);
  const best = candidates.length
    ? candidates.reduce((a, b) => (b.ms_median < a.ms_median ? b : a))
    : (reference as CourseRun);

  let threads: TrainingResults['threads'];
  if ('ms_median' in native) {
    threads = await threadScaling(quick, log);
  } else {
    threads = { unavailable: `thread scaling needs the native backend (${native.unavailable})` };
  }

  return {
    course_net: {
      layer_dims: best.layer_dims,
      m: best.m,
      flop_per_iteration: best.flop_per_iteration,
      backends: { native, reference },
      ms_per_iteration: best.ms_median,
      ms_min: best.ms_min,
      backend: best.backend.backend,
      gflops: best.gflops,
      percent_of_peak: (100 * best.gflops) / opts.peakGflops,
    },
    threads,
    scaling: await scaling(opts),
  };
}
