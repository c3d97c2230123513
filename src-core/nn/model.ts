// The trained model as data: architecture, parameters and what the app knows about how it was made.
// Shared by nn/ (computes with it), train/ (produces it), onnx/ (serialises it) and the app (shows it).

/** Hidden-layer activations of the course; the output layer is always sigmoid. */
export type Activation = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';
export const ACTIVATIONS: readonly Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu'];

/** Slope of leaky ReLU for z < 0: g(z) = max(0.01 z, z). Also written into the ONNX graph. */
export const LEAKY_SLOPE = 0.01;

/** Images are resized to this square, RGB, unrolled HWC: n_x = 64 * 64 * 3 = 12288. */
export const IMAGE_SIZE = 64;
export const N_X = IMAGE_SIZE * IMAGE_SIZE * 3;

/** How an image of another aspect ratio becomes 64x64: centre crop, stretch, or letterbox. */
export type ResizeMode = 'cover' | 'fill' | 'contain';

/**
 * Architecture `[n_x, n1, ..., nL]` with nL = 1. `activations[l - 1]` is g[l] for l = 1..L;
 * the last is always 'sigmoid'. `layerDims = [n_x, 1]` is logistic regression.
 */
export interface NetworkConfig {
  layerDims: number[];
  activations: Activation[];
}

/**
 * Parameters of layer l = 1..L live at index l - 1:
 * W[l-1]: (n[l], n[l-1]) row-major; b[l-1]: (n[l], 1).
 */
export interface Parameters {
  W: Float32Array[];
  b: Float32Array[];
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
