// Network architecture: parse and validate `[n_x, n1, ..., 1]`. Hidden sizes [] = logistic regression.
// Errors name the offending value and say what is accepted.

import { ACTIVATIONS, type Activation, N_X, type NetworkConfig } from './model.js';

/** Limits that keep a network trainable on a desktop (W1 alone is n1 * 12288 floats). */
export const MAX_HIDDEN_LAYERS = 10;
export const MAX_UNITS = 4096;

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

/** Throws an Error saying what is wrong when the config cannot describe a catnet network. */
export function validateConfig(config: NetworkConfig): void {
  const { layerDims, activations } = config;
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
}

/** Number of parameters: sum over l of n[l] * n[l-1] + n[l]. */
export function parameterCount(layerDims: readonly number[]): number {
  let count = 0;
  for (let l = 1; l < layerDims.length; l++) count += layerDims[l] * layerDims[l - 1] + layerDims[l];
  return count;
}
