// The network a run asks for, from TrainOptions: layers text ("c16,p,c32,p,64", "20,7,5"), or hidden
// layer sizes (the course's nets) with an optional conv body, and one hidden activation. Every
// refusal is a 'bad-layers' TrainError naming the value.

import { networkConfig, parseHiddenLayers, validateConfig } from '../nn/config.js';
import type { Activation, FeatureSpec, NetworkConfig } from '../nn/model.js';
import { denseInputSize, IMAGE_SHAPE, type Shape } from '../nn/shapes.js';
import { imageShape } from './augment.js';
import { asTrainError, TrainError } from './errors.js';
import type { TrainOptions } from './options.js';

export type NetworkChoice = Pick<TrainOptions, 'layers' | 'hiddenLayers' | 'features' | 'activation'>;

/** The (c, h, w) of n_x-byte examples: square RGB images, else the dataset's (3, 64, 64). */
export function inputShape(n_x: number): Shape {
  return imageShape(n_x) ?? IMAGE_SHAPE;
}

/**
 * "c16,p,c32k5,p,64" -> conv 3x3 16 filters, pool, conv 5x5 32, pool; hidden [64]. Convolutions and
 * pools come first, dense sizes after; "" = logistic regression.
 */
export function parseLayers(text: string, activation: Activation): { features: FeatureSpec[]; hidden: number[] } {
  const items = text.trim() === '' ? [] : text.split(',').map((s) => s.trim().toLowerCase());
  const features: FeatureSpec[] = [];
  const hidden: number[] = [];
  items.forEach((item, i) => {
    const where = `"${item}" (item ${i + 1} of "${text}")`;
    const conv = /^c(\d+)(?:k(\d+))?$/.exec(item);
    if (/^\d+$/.test(item)) hidden.push(Number(item));
    else if (hidden.length > 0 && (conv || item === 'p'))
      throw new TrainError(
        'bad-layers',
        `layers: ${where} comes after dense units; put convolutions and pooling first, e.g. "c16,p,c32,p,64"`,
      );
    else if (conv)
      features.push({ kind: 'conv', filters: Number(conv[1]), size: conv[2] ? Number(conv[2]) : 3, activation });
    else if (item === 'p') features.push({ kind: 'pool' });
    else
      throw new TrainError(
        'bad-layers',
        `layers: ${where} is not cN (3x3 convolution with N filters), cNkK (KxK), p (2x2 max-pool) or a number of units; e.g. "c16,p,c32,p,64" or "20,7,5"`,
      );
  });
  return { features, hidden };
}

/** "c16,p,c32k5" (k = 3 implied). */
export function featuresText(features: readonly FeatureSpec[]): string {
  return features.map((f) => (f.kind === 'pool' ? 'p' : `c${f.filters}${f.size === 3 ? '' : `k${f.size}`}`)).join(',');
}

/** "c16,p,c32,p,64" from a config ("" for logistic regression): the text parseLayers reads back. */
export function layersText(config: NetworkConfig): string {
  const features = config.features?.length ? [featuresText(config.features)] : [];
  return [...features, ...config.layerDims.slice(1, -1)].join(',');
}

/** The config: the conv body (if any), flatten, [n_0, ...hidden, 1] with the hidden activation, output sigmoid. */
export function requestedNetwork(o: NetworkChoice, n_x: number): NetworkConfig {
  try {
    let features = o.features ?? [];
    let hidden = o.hiddenLayers;
    if (o.layers !== undefined) {
      // All numbers: the course's parser and messages.
      if (!/[a-z]/i.test(o.layers)) hidden = parseHiddenLayers(o.layers);
      else ({ features, hidden } = parseLayers(o.layers, o.activation));
    }
    if (!Array.isArray(hidden))
      throw new TrainError(
        'bad-layers',
        `training options: hiddenLayers must be a list of sizes like [20, 7, 5], got ${hidden}`,
      );
    if (features.length === 0) return networkConfig(hidden, o.activation, n_x);
    if (!imageShape(n_x))
      throw new TrainError(
        'bad-layers',
        `layers: convolutions need square RGB images; these examples have ${n_x} values`,
      );
    const image = inputShape(n_x);
    const config: NetworkConfig = {
      features,
      layerDims: [denseInputSize(features, image), ...hidden, 1],
      activations: [...hidden.map(() => o.activation), 'sigmoid'],
    };
    validateConfig(config, image);
    return config;
  } catch (error) {
    throw asTrainError(error, 'bad-layers');
  }
}
