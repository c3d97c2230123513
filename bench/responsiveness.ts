// Does the main thread stay responsive? The longest event-loop delay (perf_hooks'
// monitorEventLoopDelay, 10 ms resolution) in this process's main thread while training runs in a
// worker thread through src-core/train/trainer.ts, the way the app trains. (The import's figure comes
// from ingest-same-files.ts, which watches the loop during every import pass.) The main thread here
// stands for Electron's main process; the renderer is not measured.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TrainingWorker } from '../src-core/train/trainer.js';
import { nowMs } from './stats.js';
import { COURSE_HIDDEN, COURSE_M, syntheticPixels } from './train-workloads.js';

export interface LoopDelay {
  max_ms: number;
  p99_ms: number;
  mean_ms: number;
  seconds: number;
}

/** Runs `task` and reports how late a 10 ms timer in this thread fired while it ran. */
export async function loopDelayDuring(task: () => Promise<unknown>): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const start = nowMs();
  h.enable();
  try {
    await task();
  } finally {
    h.disable();
  }
  const seconds = (nowMs() - start) / 1000;
  // Histogram values are nanoseconds; an empty histogram (task shorter than one tick) reads 0.
  const any = h.count > 0;
  return {
    max_ms: any ? h.max / 1e6 : 0,
    p99_ms: any ? h.percentile(99) / 1e6 : 0,
    mean_ms: any ? h.mean / 1e6 : 0,
    seconds,
  };
}

export interface TrainingResponsiveness {
  /** Full batch (the course's 209 examples) then mini-batch (batch 64) over `images` synthetic images. */
  full_batch: LoopDelay & { progress_events: number };
  mini_batch: LoopDelay & { progress_events: number; images: number };
  max_ms: number;
}

/** Longer than this after the cancel without a result: the worker is stopped and the run reported hung. */
const HANG_MS = 30_000;

/**
 * Trains in the worker for about `ms` (cancelled then), with progress events handled here. A worker
 * that does not answer the cancel within HANG_MS is terminated and reported as an error, so one hung
 * worker does not hang the benchmark.
 */
async function watchTraining(
  images: number,
  batchSize: number,
  ms: number,
): Promise<LoopDelay & { progress_events: number }> {
  const { pixels, labels } = syntheticPixels(images);
  const controller = new AbortController();
  let events = 0;
  const delay = await loopDelayDuring(async () => {
    const worker = new TrainingWorker(
      { X: pixels, Y: Uint8Array.from(labels), m: images },
      {
        hiddenLayers: COURSE_HIDDEN,
        activation: 'relu',
        init: 'course',
        learningRate: 0.0075,
        iterations: 1_000_000,
        batchSize,
      },
      { signal: controller.signal, onProgress: () => events++ },
    );
    const cancel = setTimeout(() => controller.abort(), ms);
    let hangTimer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      hangTimer = setTimeout(() => {
        void worker.terminate();
        reject(
          new Error(
            `the training worker (batch ${batchSize || 'full'}, ${images} images) gave no result ${HANG_MS / 1000} s after it was cancelled: it hangs`,
          ),
        );
      }, ms + HANG_MS);
    });
    try {
      await Promise.race([worker.result, hung]);
    } finally {
      clearTimeout(cancel);
      clearTimeout(hangTimer);
    }
  });
  return { ...delay, progress_events: events };
}

export async function benchTrainingResponsiveness(quick: boolean): Promise<TrainingResponsiveness> {
  const ms = quick ? 400 : 3000;
  const images = quick ? 1000 : 20_000;
  const full_batch = await watchTraining(COURSE_M, 0, ms);
  const mini_batch = { ...(await watchTraining(images, 64, ms)), images };
  return { full_batch, mini_batch, max_ms: Math.max(full_batch.max_ms, mini_batch.max_ms) };
}
