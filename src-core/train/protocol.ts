// The messages between the main thread and the training worker, both directions, declared once.
// Pixels cross without a copy when they live in a SharedArrayBuffer (the Dataset's do); otherwise
// postMessage clones them. The app sends them as runs over its Datasets' buffers (PixelRuns), which
// train() gathers in the worker, so the main thread never copies the whole set. Cancellation is both a message and a shared flag the loop reads every
// iteration, so it works even while the worker is busy computing. options.initialModel (continue
// training) crosses as a copy packed into one buffer that is transferred, never the caller's arrays.
// A failure crosses as its TrainError code and message, and is rebuilt as a TrainError on the main side.

import type { TrainErrorCode } from './errors.js';
import type { TrainingInput, TrainOptions, TrainProgress, TrainResult } from './options.js';

export type WorkerMessage =
  /** main -> worker: train on `data`; set cancelFlag[0] = 1 to stop within one iteration. */
  | { type: 'start'; data: TrainingInput; options: TrainOptions; cancelFlag: Int32Array }
  /** main -> worker: stop (the flag is set too; this wakes a worker between iterations). */
  | { type: 'cancel' }
  /** worker -> main, at most every progressIntervalMs. */
  | { type: 'progress'; progress: TrainProgress }
  /** worker -> main: the result, also when cancelled, early-stopped or diverged (see result.stopped). */
  | { type: 'done'; result: TrainResult }
  /** worker -> main: training could not run (bad options or data, out of memory, ...). */
  | { type: 'error'; code: TrainErrorCode; message: string };

export type ToWorker = Extract<WorkerMessage, { type: 'start' | 'cancel' }>;
export type FromWorker = Extract<WorkerMessage, { type: 'progress' | 'done' | 'error' }>;
