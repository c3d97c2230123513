// The trained model as data: architecture, parameters and what the app knows about how it was made.
// Shared by nn/ (computes with it), train/ (produces it), onnx/ (serialises it) and the app (shows it).

import type { ResizeMode } from '../image-format.js';
import type { Activation } from '../kernels/activations.js';

export { IMAGE_SIZE, N_X, type ResizeMode } from '../image-format.js';
export { ACTIVATIONS, type Activation, LEAKY_SLOPE } from '../kernels/activations.js';

/**
 * A convolutional layer: `filters` output channels, k x k kernels (k = `size`, odd), stride 1, "same"
 * zero padding (k - 1) / 2, then the activation g. Its parameters: W (filters, c_in, k, k), b (filters).
 */
export interface ConvSpec {
  kind: 'conv';
  filters: number;
  size: number;
  activation: Activation;
}

/** 2x2 max-pooling with stride 2: halves height and width (rounding down). No parameters. */
export interface PoolSpec {
  kind: 'pool';
}

/** A layer of the convolutional body, applied in order to the (3, 64, 64) image. */
export type FeatureSpec = ConvSpec | PoolSpec;

/**
 * Architecture: an optional convolutional body `features`, flattened, then the course's fully
 * connected layers `[n_0, n1, ..., nL]` with nL = 1. `activations[l - 1]` is g[l] for l = 1..L; the
 * last is always 'sigmoid'. Without features (the course's nets) n_0 = n_x = 12288 and
 * `layerDims = [n_x, 1]` is logistic regression; with features n_0 = C * H * W of the body's output.
 */
export interface NetworkConfig {
  features?: FeatureSpec[];
  layerDims: number[];
  activations: Activation[];
}

/**
 * Parameters of the fully connected layer l = 1..L live at index l - 1:
 * W[l-1]: (n[l], n[l-1]) row-major; b[l-1]: (n[l], 1).
 * A convolutional body's parameters, one entry per conv layer in order (pool layers have none):
 * convW[i]: (filters, c_in, k, k) row-major; convB[i]: (filters). Absent or empty for the course's nets.
 */
export interface Parameters {
  W: Float32Array[];
  b: Float32Array[];
  convW?: Float32Array[];
  convB?: Float32Array[];
}

/** What the app records about how a model was trained (all optional: an imported model may lack it). */
export interface TrainingSummary {
  trainImages?: number;
  validationImages?: number;
  testImages?: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
  testAccuracy?: number;
  finalCost?: number;
  iterations?: number;
  hyperparameters?: Record<string, string | number | boolean>;
  date?: string;
}

/** A classifier: the network plus everything needed to use it exactly as it was trained. */
export interface Model {
  config: NetworkConfig;
  params: Parameters;
  /** [positive, negative] class names, e.g. ['cat', 'non-cat']; label 1 = classNames[0]. */
  classNames: [string, string];
  resize: ResizeMode;
  /** probability >= threshold => label 1 (positive). */
  threshold: number;
  summary: TrainingSummary;
}
