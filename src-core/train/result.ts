// What a training run reports while it runs (progress) and when it ends (the result), and the hooks
// a caller passes in to receive progress and to cancel.

import type { BackendInfo, Kernels } from '../kernels/kernels.js';
import type { Model } from '../nn/model.js';

export interface TrainProgress {
  /** Parameter updates done so far, and in total (full batch: iterations; mini-batch: epochs * batches). */
  iteration: number;
  iterations: number;
  epoch: number;
  /** J of the latest iteration (mini-batch: of the latest batch). */
  cost: number;
  /** Full batch: on the whole training set; mini-batch: over this epoch's batches so far. */
  trainAccuracy: number;
  /** From the latest validation check. */
  validationAccuracy?: number;
  iterationsPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface CostPoint {
  iteration: number;
  cost: number;
}

export type StopReason = 'completed' | 'cancelled' | 'early-stopped' | 'diverged';

export interface TrainResult {
  model: Model;
  /** J every 100 iterations (as the course prints it) plus the progress points, in iteration order. */
  costs: CostPoint[];
  /**
   * The learning curve for a chart: J every k = max(1, ceil(total / COST_HISTORY_POINTS)) parameter
   * updates from update 0 (at most ~500 points, however short or long the run), plus the returned
   * parameters' J at the end for completed and cancelled runs. Optional: stand-in trainers omit it.
   */
  costHistory?: CostPoint[];
  finalCost: number;
  trainAccuracy: number;
  validationAccuracy?: number;
  testAccuracy?: number;
  /** Parameter updates done. */
  iterations: number;
  seconds: number;
  stopped: StopReason;
  /** For people: why it stopped when it did not complete. */
  message?: string;
  backend: BackendInfo;
}

export interface TrainHooks {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /** Set element 0 to non-zero to cancel (checked every iteration; shared with the main thread). */
  cancelFlag?: Int32Array;
  kernels?: Kernels;
}
