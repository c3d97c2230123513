// catnet's engine as a library: kernels, the network, training (in-process or in a worker), metrics.
// Images (src-core/data) and model files (src-core/onnx) have their own entry points.

export { activationDerivative, activationForward } from './kernels/activations.js';
export type { BackendInfo, Isa, KernelActivation, Kernels } from './kernels/kernels.js';
export { referenceKernels } from './kernels/reference.js';
export { backendInfo, getKernels } from './kernels/select.js';
export { networkConfig, parameterCount, parseHiddenLayers, validateConfig } from './nn/config.js';
export { INIT_METHODS, type InitMethod, initializeParameters, initScale } from './nn/init.js';
export {
  ACTIVATIONS,
  type Activation,
  type ConvSpec,
  type FeatureSpec,
  IMAGE_SIZE,
  LEAKY_SLOPE,
  type Model,
  N_X,
  type NetworkConfig,
  type Parameters,
  type PoolSpec,
  type ResizeMode,
  type TrainingSummary,
} from './nn/model.js';
export { type FeatureMap, type Gradients, Network } from './nn/network.js';
export { predictProbabilities } from './nn/predict.js';
export { mulberry32, Random, shuffleInPlace } from './nn/random.js';
export { IMAGE_SHAPE, type LayerSummary, layerSummary, type Shape } from './nn/shapes.js';
export { formatLayers, parseLayers } from './nn/spec.js';
export {
  type Augmentation,
  formatAugmentation,
  NO_AUGMENTATION,
  parseAugmentation,
} from './train/augment.js';
export { TRAIN_ERROR_CODES, TrainError, type TrainErrorCode } from './train/errors.js';
export { gatherPixels, pixelRunsOf } from './train/gather.js';
export { COST_EVERY } from './train/loop.js';
export { checkTrainingMemory, defaultMemoryBudget, estimateTrainingMemory } from './train/memory-budget.js';
export { accuracy, type Confusion, confusion, type Metrics, metrics } from './train/metrics.js';
export { OPTIMIZERS, type OptimizerName } from './train/optimizers.js';
export type {
  CostPoint,
  PixelRuns,
  StopReason,
  TrainHooks,
  TrainingData,
  TrainingInput,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from './train/options.js';
export {
  PRESET_IDS,
  PRESETS,
  type Preset,
  type PresetId,
  type PresetSettings,
  presetOptions,
} from './train/presets.js';
export type { WorkerMessage } from './train/protocol.js';
export { train } from './train/train.js';
export { TrainingWorker, trainInWorker, type WorkerHooks } from './train/trainer.js';
