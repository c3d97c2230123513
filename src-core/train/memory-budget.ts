// Training memory, estimated before anything is allocated: parameters, gradients, optimiser state and
// the copies the loop keeps, caches and backward buffers for a batch, the batch and split copies.
// Settings whose estimate exceeds a safe share of the machine's memory are refused with the figures
// and a batch size (or fewer units) that fits: the training worker shares the app's process.

import { totalmem } from 'node:os';
import type { NetworkConfig } from '../nn/model.js';
import { layerSummary, type Shape } from '../nn/shapes.js';
import { TrainError } from './errors.js';
import type { OptimizerName } from './optimizers.js';

/** catnet allows itself at most this share of the machine's memory for one training run... */
export const MEMORY_SHARE = 0.5;
/** ... and at most this many bytes, however large the machine. */
export const MEMORY_CAP = 16 * 2 ** 30;
const FLOAT = 4;

/** min(MEMORY_SHARE x total memory, MEMORY_CAP) bytes. */
export function defaultMemoryBudget(): number {
  return Math.min(MEMORY_SHARE * totalmem(), MEMORY_CAP);
}

export interface MemoryRun {
  config: NetworkConfig;
  image: Shape;
  /** Bytes per example. */
  n_x: number;
  /** Examples trained on (after the validation split) and examples in all (split copies). */
  m: number;
  mAll: number;
  /** Examples per step (m in full batch). */
  batch: number;
  optimizer: OptimizerName;
  /** A validation split (copies of the rows), early stopping (one more parameter copy), augmentation (a batch buffer). */
  validation: boolean;
  earlyStopping: boolean;
  augment: boolean;
}

export interface MemoryEstimate {
  /** Parameters, gradients, optimiser state, last-good / best / returned copies. */
  parameters: number;
  /** Forward caches (Z, A of every layer), for `batch` examples. */
  caches: number;
  /** The two backward buffers (dZ, dA), for `batch` examples. */
  backward: number;
  /** The batch's pixels, the split copies. */
  data: number;
  total: number;
}

/** What a run of these settings allocates, in bytes (within a few percent: small arrays are left out). */
export function estimateTrainingMemory(r: MemoryRun): MemoryEstimate {
  const rows = layerSummary(r.config, r.image);
  const P = rows.reduce((sum, row) => sum + row.params, 0);
  const copies =
    2 + (r.optimizer === 'adam' ? 2 : r.optimizer === 'momentum' ? 1 : 0) + 1 + (r.earlyStopping ? 1 : 0) + 1;
  const cachePerExample = rows.reduce((sum, row) => sum + row.cachePerExample, 0);
  // The backward buffers hold the largest dA: of any layer's output, and of the image with a conv body.
  const withImage = r.config.features?.length ? rows : rows.filter((row) => row.kind !== 'input');
  const largest = Math.max(...withImage.map((row) => row.shape.reduce((a, b) => a * b, 1)));
  const caches = cachePerExample * r.batch * FLOAT;
  const backward = 2 * largest * r.batch * FLOAT;
  const fullBatch = r.batch >= r.m;
  const data = (fullBatch && !r.augment ? 0 : r.batch * r.n_x) + (r.validation ? r.mAll * r.n_x : 0);
  const parameters = P * copies * FLOAT;
  return { parameters, caches, backward, data, total: parameters + caches + backward + data };
}

const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GB`;

/** Batch sizes offered when the requested one does not fit. */
const BATCH_SIZES = [512, 256, 128, 64, 32, 16, 8];

/** Throws a 'too-little-memory' TrainError with the estimate and a suggestion when `r` exceeds `budget`. */
export function checkTrainingMemory(r: MemoryRun, budget: number): MemoryEstimate {
  const e = estimateTrainingMemory(r);
  if (e.total <= budget) return e;
  const what =
    `training these settings needs about ${gb(e.total)} (caches ${gb(e.caches + e.backward)} for ${r.batch >= r.m ? `full batches of ${r.m}` : `batches of ${r.batch}`} images, ` +
    `parameters and optimiser state ${gb(e.parameters)}, data copies ${gb(e.data)}), more than the ${gb(budget)} catnet allows itself ` +
    `on this machine (${Math.round(MEMORY_SHARE * 100)}% of its memory, at most ${gb(MEMORY_CAP)})`;
  const fits = BATCH_SIZES.find((b) => b < r.batch && estimateTrainingMemory({ ...r, batch: b }).total <= budget);
  const advice = fits
    ? `use a mini-batch size of ${fits} or less (mini-batches train large sets well: Adam with batch 32-128 is usual)`
    : 'use fewer units or filters (the parameters alone do not fit), or train on a machine with more memory';
  throw new TrainError('too-little-memory', `${what}; ${advice}`);
}
