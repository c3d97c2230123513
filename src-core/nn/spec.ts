// The layers text, everywhere a network is named (`--layers`, the app's custom editor, model files):
//   c16     3x3 convolution, 16 filters, then the hidden activation
//   c16k5   5x5 convolution (any odd size up to 11)
//   p       2x2 max-pooling, stride 2
//   64      a dense layer of 64 units
// Convolution and pooling items come first, then dense sizes; the output unit is implicit.
// "c16,p,c32,p,c64,p,64" is a small CNN; "20,7,5" the course's 4-layer net; "" logistic regression.

import { validateConfig } from './config.js';
import type { Shape } from './layers/layer.js';
import type { Activation, FeatureSpec, NetworkConfig } from './model.js';
import { denseInputSize, featureText, IMAGE_SHAPE } from './shapes.js';

const CONV = /^c(\d+)(?:k(\d+))?$/;
const DENSE = /^\d+$/;

/** One item of the text as a feature layer, a dense size, or an Error naming it. */
function parseItem(item: string, index: number, text: string, activation: Activation): FeatureSpec | number {
  const where = `layers: item ${index + 1} ("${item}") of "${text}"`;
  if (item === '') throw new Error(`${where} is empty; separate layers with single commas, e.g. c16,p,c32,p,64`);
  if (item === 'p') return { kind: 'pool' };
  if (DENSE.test(item)) {
    const n = Number(item);
    if (n < 1) throw new Error(`${where}: a dense layer needs at least 1 unit`);
    return n;
  }
  const conv = CONV.exec(item);
  if (conv) return { kind: 'conv', filters: Number(conv[1]), size: conv[2] ? Number(conv[2]) : 3, activation };
  throw new Error(
    `${where} is not a layer; write c16 (3x3 convolution, 16 filters), c16k5 (5x5), p (2x2 max-pool) or a number of dense units`,
  );
}

/**
 * The network named by `text`, with `activation` on every conv and hidden dense layer and a sigmoid
 * output unit, for images of `image` (c, h, w). Throws an Error naming the item that is wrong.
 * A text of dense sizes only gives exactly the course's config ([n_x, ...hidden, 1], no features).
 */
export function parseLayers(text: string, activation: Activation, image: Shape = IMAGE_SHAPE): NetworkConfig {
  const trimmed = text.trim();
  const items = trimmed === '' ? [] : trimmed.split(',').map((part) => part.trim().toLowerCase());
  const features: FeatureSpec[] = [];
  const hidden: number[] = [];
  items.forEach((item, i) => {
    const parsed = parseItem(item, i, text, activation);
    if (typeof parsed === 'number') hidden.push(parsed);
    else if (hidden.length) {
      throw new Error(
        `layers: item ${i + 1} ("${item}") of "${text}" comes after a dense layer; convolution and pooling items go first, e.g. c16,p,c32,p,64`,
      );
    } else features.push(parsed);
  });
  const config: NetworkConfig = {
    layerDims: [features.length ? 0 : image.c * image.h * image.w, ...hidden, 1],
    activations: [...hidden.map(() => activation), 'sigmoid'],
  };
  if (features.length) {
    config.features = features;
    config.layerDims[0] = denseInputSize(features, image); // throws naming a pool with nothing to halve
  }
  validateConfig(config, image);
  return config;
}

/** The layers text of a config: parseLayers(formatLayers(c), g) gives c back (for one activation g). */
export function formatLayers(config: NetworkConfig): string {
  const items = (config.features ?? []).map(featureText);
  return [...items, ...config.layerDims.slice(1, -1).map(String)].join(',');
}
