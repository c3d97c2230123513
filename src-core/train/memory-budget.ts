// The training memory policy: before anything is allocated, the engine's estimate (nn/memory.ts) plus
// what train() adds (the split copies, the last-good / best / returned parameter copies) is compared
// with a safe share of the machine's memory. Settings over it are refused with the figures and a batch
// size that fits (or fewer units): the training worker shares the app's process.

import { totalmem } from 'node:os';
import { estimateTrainingBytes, largestBatchWithin, type TrainingMemoryOptions } from '../nn/memory.js';
import type { NetworkConfig } from '../nn/model.js';
import type { Shape } from '../nn/shapes.js';
import { TrainError } from './errors.js';
import type { OptimizerName } from './optimizers.js';

/** catnet allows itself at most this share of the machine's memory for one training run... */
export const MEMORY_SHARE = 0.5;
/** ... and at most this many bytes, however large the machine. */
export const MEMORY_CAP = 16 * 2 ** 30;

/** min(MEMORY_SHARE x total memory, MEMORY_CAP) bytes. */
export function defaultMemoryBudget(): number {
  return Math.min(MEMORY_SHARE * totalmem(), MEMORY_CAP);
}

export interface MemoryRun {
  config: NetworkConfig;
  image: Shape;
  /** Bytes per example. */
  n_x: number;
  /** Examples trained on (after the validation split), and in all (the split copies them all). */
  m: number;
  mAll: number;
  /** Examples per step (m in full batch). */
  batch: number;
  optimizer: OptimizerName;
  validation: boolean;
  earlyStopping: boolean;
  augment: boolean;
}

export interface MemoryEstimate {
  /** Parameters, gradients, optimiser state and the loop's parameter copies. */
  parameters: number;
  /** Forward caches and the backward buffers for `batch` examples. */
  caches: number;
  /** The gathered batch and the validation split's copies of the rows. */
  data: number;
  total: number;
}

function engineOptions(r: MemoryRun): TrainingMemoryOptions {
  return {
    optimizerCopies: r.optimizer === 'adam' ? 2 : r.optimizer === 'momentum' ? 1 : 0,
    // The loop's last good parameters, the best ones (early stopping) and the returned copy.
    parameterSnapshots: 2 + (r.earlyStopping ? 1 : 0),
    gatheredBatch: r.batch < r.m || r.augment,
    image: r.image,
  };
}

/** What a run of these settings allocates, in bytes (small arrays such as labels are left out). */
export function estimateTrainingMemory(r: MemoryRun): MemoryEstimate {
  const e = estimateTrainingBytes(r.config, r.batch, engineOptions(r));
  const split = r.validation ? r.mAll * r.n_x : 0;
  const parameters = e.params + e.grads + e.optimizer + e.snapshots;
  const caches = e.caches + e.backward;
  const data = e.batch + split;
  return { parameters, caches, data, total: parameters + caches + data };
}

const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GB`;

/** Throws a 'too-little-memory' TrainError with the estimate and a suggestion when `r` exceeds `budget`. */
export function checkTrainingMemory(r: MemoryRun, budget: number): MemoryEstimate {
  const e = estimateTrainingMemory(r);
  if (e.total <= budget) return e;
  const batches = r.batch >= r.m ? `full batches of ${r.m}` : `batches of ${r.batch}`;
  const what =
    `training these settings needs about ${gb(e.total)} (caches ${gb(e.caches)} for ${batches} images, ` +
    `parameters and optimiser state ${gb(e.parameters)}, data copies ${gb(e.data)}), more than the ${gb(budget)} ` +
    `catnet allows itself on this machine (${Math.round(MEMORY_SHARE * 100)}% of its memory, at most ${gb(MEMORY_CAP)})`;
  // The largest batch that fits, rounded down to a power of two, once the split copies are set aside.
  const largest = largestBatchWithin(
    r.config,
    budget - (e.data - estimateTrainingBytes(r.config, r.batch, engineOptions(r)).batch),
    {
      ...engineOptions(r),
      gatheredBatch: true,
    },
  );
  const fits = largest >= 1 ? 2 ** Math.floor(Math.log2(Math.min(largest, 512))) : 0;
  const advice =
    fits >= 1 && fits < r.batch
      ? `use a mini-batch size of ${fits} or less (mini-batches train large sets well: Adam with batch 32-128 is usual)`
      : 'use fewer units or filters (the parameters alone do not fit), or train on a machine with more memory';
  throw new TrainError('too-little-memory', `${what}; ${advice}`);
}
