// What train() takes and gives: the data, the hyperparameters (a superset of the app's TrainSettings,
// with the same names), progress reports and the result. Validation of options with clear messages.

import type { BackendInfo, Kernels } from '../kernels/kernels.js';
import { INIT_METHODS, type InitMethod } from '../nn/init.js';
import {
  ACTIVATIONS,
  type Activation,
  type Model,
  type NetworkConfig,
  type Parameters,
  type ResizeMode,
} from '../nn/model.js';
import { OPTIMIZERS, type OptimizerName } from './optimizers.js';

/** Labelled examples as bytes: X (m, n_x) row-major pixels (X / 255 is the network's input), Y (m) 0/1. */
export interface TrainingData {
  X: Uint8Array;
  Y: Uint8Array;
  m: number;
  /** Optional test set, evaluated once at the end. */
  Xtest?: Uint8Array;
  Ytest?: Uint8Array;
  mtest?: number;
  /** Features per example; 12288 (64x64 RGB) unless a test uses tiny synthetic data. */
  n_x?: number;
}

/**
 * Pixels scattered over several buffers, in row order: run k is bytes [start, start + length) of
 * sources[s] with (s, start, length) = runs[3k .. 3k+2]. train() gathers them (see gather.ts).
 */
export interface PixelRuns {
  /** Whole-buffer views; SharedArrayBuffer-backed ones cross to a worker without a copy. */
  sources: Uint8Array[];
  runs: Float64Array;
}

/** What train() accepts: TrainingData, or the same with X / Xtest as runs still to gather. */
export interface TrainingInput extends Omit<TrainingData, 'X' | 'Xtest'> {
  X: Uint8Array | PixelRuns;
  Xtest?: Uint8Array | PixelRuns;
}

export interface TrainOptions {
  /** Hidden layer sizes: [] = logistic regression, [7], [20, 7, 5] (the course's nets). */
  hiddenLayers: number[];
  /** g of the hidden layers; the output is always sigmoid. */
  activation: Activation;
  init: InitMethod;
  /** alpha (alpha0 when decayRate > 0). */
  learningRate: number;
  /** Full batch: gradient-descent iterations. Mini-batch: epochs (passes over the data). */
  iterations: number;
  /** Mini-batch size; 0 or absent = full batch (the course's algorithm). */
  batchSize?: number;
  /** Alias for `iterations` in mini-batch mode. */
  epochs?: number;
  optimizer?: OptimizerName;
  /** L2 regularisation lambda: J += lambda/(2m) sum ||W||^2, dW += (lambda/m) W. */
  l2?: number;
  /** Fraction of the training examples held out (stratified, seeded) for validation. */
  validationFraction?: number;
  /** Seeds initialisation, the validation split and mini-batch shuffles. Seed 1 = the course's NumPy draws. */
  seed?: number;
  /** alpha = alpha0 / (1 + decayRate * epoch); in full batch one iteration is one epoch. */
  decayRate?: number;
  /** Early stopping: stop after this many validation checks without a lower validation cost (0 = off). */
  patience?: number;
  /** Validation checks happen every this many iterations in full batch (default 10), every epoch in mini-batch. */
  validationEvery?: number;
  /** Minimum time between progress reports (default 100 ms). */
  progressIntervalMs?: number;
  /** Momentum beta (0.9), Adam beta1 (0.9), beta2 (0.999), epsilon (1e-8). */
  beta?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Copied into the model: [positive, negative] names, resize mode, decision threshold. */
  classNames?: [string, string];
  resize?: ResizeMode;
  threshold?: number;
  /**
   * Continue training: start from these parameters instead of initialising (`init` and the seed's
   * weight draws are then unused). Its config must equal the requested network (hiddenLayers,
   * activation, n_x), or train() throws naming both. A Model fits. Optimizer state (momentum, Adam)
   * and learning-rate decay restart; full-batch gd continues exactly where the model was left.
   */
  initialModel?: InitialModel;
}

/** The parameters a run starts from, with the network they belong to; not modified by train(). */
export interface InitialModel {
  config: NetworkConfig;
  params: Parameters;
}

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

/** Every option with its default filled in. */
export type ResolvedOptions = Required<Omit<TrainOptions, 'epochs' | 'initialModel'>>;

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`training options: ${message}`);
}

export function resolveOptions(o: TrainOptions): ResolvedOptions {
  const batchSize = o.batchSize ?? 0;
  const r: ResolvedOptions = {
    hiddenLayers: o.hiddenLayers,
    activation: o.activation,
    init: o.init,
    learningRate: o.learningRate,
    iterations: batchSize > 0 ? (o.epochs ?? o.iterations) : o.iterations,
    batchSize,
    optimizer: o.optimizer ?? 'gd',
    l2: o.l2 ?? 0,
    validationFraction: o.validationFraction ?? 0,
    seed: o.seed ?? 1,
    decayRate: o.decayRate ?? 0,
    patience: o.patience ?? 0,
    validationEvery: o.validationEvery ?? 10,
    progressIntervalMs: o.progressIntervalMs ?? 100,
    beta: o.beta ?? 0.9,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    epsilon: o.epsilon ?? 1e-8,
    classNames: o.classNames ?? ['cat', 'non-cat'],
    resize: o.resize ?? 'cover',
    threshold: o.threshold ?? 0.5,
  };
  check(Array.isArray(r.hiddenLayers), `hiddenLayers must be a list of sizes like [20, 7, 5], got ${r.hiddenLayers}`);
  check(ACTIVATIONS.includes(r.activation), `activation "${r.activation}" is not one of ${ACTIVATIONS.join(', ')}`);
  check(INIT_METHODS.includes(r.init), `init "${r.init}" is not one of ${INIT_METHODS.join(', ')}`);
  check(OPTIMIZERS.includes(r.optimizer), `optimizer "${r.optimizer}" is not one of ${OPTIMIZERS.join(', ')}`);
  check(
    Number.isFinite(r.learningRate) && r.learningRate > 0,
    `the learning rate must be a number > 0 (the course uses 0.0075), got ${r.learningRate}`,
  );
  check(
    Number.isInteger(r.iterations) && r.iterations >= 1,
    `${batchSize > 0 ? 'epochs' : 'iterations'} must be a whole number >= 1, got ${r.iterations}`,
  );
  check(
    Number.isInteger(r.batchSize) && r.batchSize >= 0,
    `batch size must be a whole number >= 0 (0 = full batch), got ${r.batchSize}`,
  );
  check(Number.isFinite(r.l2) && r.l2 >= 0, `l2 must be >= 0, got ${r.l2}`);
  check(
    r.validationFraction >= 0 && r.validationFraction < 1,
    `the validation fraction must be in [0, 1), e.g. 0.2, got ${r.validationFraction}`,
  );
  check(
    Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= 0xffffffff,
    `seed must be a whole number >= 0, got ${r.seed}`,
  );
  check(Number.isFinite(r.decayRate) && r.decayRate >= 0, `decay rate must be >= 0, got ${r.decayRate}`);
  check(Number.isInteger(r.patience) && r.patience >= 0, `patience must be a whole number >= 0, got ${r.patience}`);
  check(
    r.patience === 0 || r.validationFraction > 0,
    'early stopping (patience) needs a validation split: set a validation fraction such as 0.2',
  );
  check(
    Number.isInteger(r.validationEvery) && r.validationEvery >= 1,
    `validationEvery must be >= 1, got ${r.validationEvery}`,
  );
  check(r.threshold > 0 && r.threshold < 1, `threshold must be between 0 and 1, got ${r.threshold}`);
  return r;
}
