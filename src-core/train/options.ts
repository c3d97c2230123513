// The hyperparameters train() takes (a superset of the app's TrainSettings, with the same names) and
// the model a run may continue from. Defaults and checks: resolve.ts. Data: data.ts. Results: result.ts.

import type { InitMethod } from '../nn/init.js';
import type { Activation, FeatureSpec, NetworkConfig, Parameters, ResizeMode } from '../nn/model.js';
import type { Augmentation } from './augment.js';
import type { OptimizerName } from './optimizers.js';

// The types every caller of train() needs, importable from one place as before the split.
export type { PixelRuns, TrainingData, TrainingInput } from './data.js';
export type { CostPoint, StopReason, TrainHooks, TrainProgress, TrainResult } from './result.js';

export interface TrainOptions {
  /** Hidden layer sizes: [] = logistic regression, [7], [20, 7, 5] (the course's nets). */
  hiddenLayers?: number[];
  /**
   * The whole network as layers text, e.g. "c16,p,c32,p,c64,p,64" (conv 3x3 16 filters, 2x2 max-pool,
   * ..., dense 64; see nn/config.ts); when given, hiddenLayers and features are unused.
   */
  layers?: string;
  /** A convolutional body applied to the image before hiddenLayers (the config form of `layers`). */
  features?: FeatureSpec[];
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
  /** Seeds initialisation, the validation split, mini-batch shuffles and augmentation. Seed 1 = the course's NumPy draws. */
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
  /** Random flips and shifts of each training batch (see augment.ts); absent = none (the course's runs). */
  augment?: Augmentation;
  /**
   * Settings whose estimated training memory (parameters, gradients, optimiser state, caches) exceeds
   * this many bytes are refused before anything is allocated. Default: see memory-budget.ts.
   */
  memoryLimitBytes?: number;
  /** Copied into the model: [positive, negative] names, resize mode, decision threshold. */
  classNames?: [string, string];
  resize?: ResizeMode;
  threshold?: number;
  /**
   * Continue training: start from these parameters instead of initialising (`init` and the seed's
   * weight draws are then unused). Its config must equal the requested network (layers, activation,
   * n_x), or train() throws naming both. A Model fits. Optimizer state (momentum, Adam) and
   * learning-rate decay restart; full-batch gd continues exactly where the model was left.
   */
  initialModel?: InitialModel;
}

/** The parameters a run starts from, with the network they belong to; not modified by train(). */
export interface InitialModel {
  config: NetworkConfig;
  params: Parameters;
}
