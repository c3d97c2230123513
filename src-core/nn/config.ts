// Network architecture: validate a config (convolutional body, then `[n_0, n1, ..., 1]`), and the
// course's hidden sizes "20,7,5" ([] = logistic regression). The layers text with convolutions is
// spec.ts. Errors name the offending value and say what is accepted.

import type { Shape } from './layers/layer.js';
import { ACTIVATIONS, type Activation, type FeatureSpec, N_X, type NetworkConfig } from './model.js';
import { denseInputSize, featureItem, IMAGE_SHAPE, layerSummary } from './shapes.js';

/** Limits that keep a network trainable on a desktop (W1 alone is n1 * 12288 floats). */
export const MAX_HIDDEN_LAYERS = 10;
export const MAX_UNITS = 4096;
/** Limits of the convolutional body: filters per layer, layers, and the (odd) kernel size. */
export const MAX_FILTERS = 256;
export const MAX_FEATURE_LAYERS = 16;
export const MAX_KERNEL_SIZE = 11;

/** "20,7,5" -> [20, 7, 5]; "" (or only spaces) -> [] (logistic regression). */
export function parseHiddenLayers(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const sizes = trimmed.split(',').map((part) => part.trim());
  return sizes.map((part, i) => {
    if (!/^\d+$/.test(part)) {
      throw new Error(
        `layer sizes: "${part}" (item ${i + 1} of "${text}") is not a whole number; write hidden layer sizes like "20,7,5", or "" for logistic regression`,
      );
    }
    return Number(part);
  });
}

/** The config for hidden sizes and one hidden activation: [n_x, ...hidden, 1], output sigmoid. */
export function networkConfig(hiddenLayers: readonly number[], activation: Activation, n_x = N_X): NetworkConfig {
  const config: NetworkConfig = {
    layerDims: [n_x, ...hiddenLayers, 1],
    activations: [...hiddenLayers.map(() => activation), 'sigmoid'],
  };
  validateConfig(config);
  return config;
}

/** Throws an Error naming the item when a convolutional body cannot be built on `image`. */
function validateFeatures(features: readonly FeatureSpec[], image: Shape): void {
  if (!Array.isArray(features)) throw new Error('network: features must be a list of conv and pool layers');
  if (features.length > MAX_FEATURE_LAYERS) {
    throw new Error(
      `network: ${features.length} convolution and pooling layers is more than the ${MAX_FEATURE_LAYERS} supported`,
    );
  }
  features.forEach((f, i) => {
    if (f?.kind === 'pool') {
      if (i === 0) {
        throw new Error(
          `network: ${featureItem(f, i)} pools the image itself; start with a convolution such as c16, then p`,
        );
      }
      return;
    }
    if (f?.kind !== 'conv')
      throw new Error(`network: layer item ${i + 1} is neither a convolution nor a pooling layer`);
    const where = featureItem(f, i);
    if (!Number.isInteger(f.filters) || f.filters < 1 || f.filters > MAX_FILTERS) {
      throw new Error(`network: ${where} has ${f.filters} filters; use a whole number from 1 to ${MAX_FILTERS}`);
    }
    if (!Number.isInteger(f.size) || f.size < 1 || f.size % 2 === 0 || f.size > MAX_KERNEL_SIZE) {
      throw new Error(
        `network: ${where} has a ${f.size}x${f.size} kernel; use an odd size from 1 to ${MAX_KERNEL_SIZE} (e.g. c16k5)`,
      );
    }
    if (!ACTIVATIONS.includes(f.activation)) {
      throw new Error(`network: activation "${f.activation}" of ${where} is not one of ${ACTIVATIONS.join(', ')}`);
    }
  });
  denseInputSize(features, image); // throws on a pool with nothing to halve
}

/**
 * Throws an Error saying what is wrong when the config cannot describe a catnet network on images of
 * `image` (c, h, w) (the dataset's (3, 64, 64) unless a test says otherwise).
 */
export function validateConfig(config: NetworkConfig, image: Shape = IMAGE_SHAPE): void {
  const { layerDims, activations, features } = config;
  if (features !== undefined) validateFeatures(features, image);
  if (!Array.isArray(layerDims) || layerDims.length < 2) {
    throw new Error(
      `network: layerDims must be [n_x, n1, ..., 1] with at least 2 entries, got ${JSON.stringify(layerDims)}`,
    );
  }
  const L = layerDims.length - 1;
  if (L - 1 > MAX_HIDDEN_LAYERS) {
    throw new Error(`network: ${L - 1} hidden layers is more than the ${MAX_HIDDEN_LAYERS} supported`);
  }
  layerDims.forEach((n, l) => {
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`network: layer ${l} has ${n} units; every layer needs a whole number of units >= 1`);
    }
    if (l > 0 && l < L && n > MAX_UNITS) {
      throw new Error(`network: hidden layer ${l} has ${n} units, more than the ${MAX_UNITS} supported`);
    }
  });
  if (layerDims[L] !== 1) {
    throw new Error(`network: the output layer must have 1 unit (binary classifier), got ${layerDims[L]}`);
  }
  if (!Array.isArray(activations) || activations.length !== L) {
    throw new Error(`network: expected ${L} activations (one per layer 1..L), got ${activations?.length}`);
  }
  activations.forEach((g, l) => {
    if (!ACTIVATIONS.includes(g)) {
      throw new Error(`network: activation "${g}" of layer ${l + 1} is not one of ${ACTIVATIONS.join(', ')}`);
    }
  });
  if (activations[L - 1] !== 'sigmoid') {
    throw new Error(`network: the output layer's activation must be sigmoid, got "${activations[L - 1]}"`);
  }
  if (features?.length) {
    const n0 = denseInputSize(features, image);
    if (layerDims[0] !== n0) {
      throw new Error(
        `network: the convolutional body gives ${n0} values per image, but the first dense layer expects layerDims[0] = ${layerDims[0]}`,
      );
    }
  }
}

/**
 * Number of parameters: conv layers c_out (c_in k k + 1), dense layers n[l] (n[l-1] + 1).
 * Accepts a config or the course's layerDims.
 */
export function parameterCount(config: NetworkConfig | readonly number[], image: Shape = IMAGE_SHAPE): number {
  if (Array.isArray(config) || ArrayBuffer.isView(config)) {
    const dims = config as readonly number[];
    let count = 0;
    for (let l = 1; l < dims.length; l++) count += dims[l] * dims[l - 1] + dims[l];
    return count;
  }
  return layerSummary(config as NetworkConfig, image).reduce((sum, row) => sum + row.params, 0);
}
