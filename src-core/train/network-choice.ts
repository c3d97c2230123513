// The network a run asks for, from TrainOptions: layers text ("c16,p,c32,p,64", "20,7,5"; nn/spec.ts),
// or hidden layer sizes (the course's nets) with an optional conv body, and one hidden activation.
// Every refusal is a 'bad-layers' TrainError naming the value.

import { networkConfig, parseHiddenLayers, validateConfig } from '../nn/config.js';
import type { Activation, NetworkConfig } from '../nn/model.js';
import { denseInputSize, IMAGE_SHAPE, type Shape } from '../nn/shapes.js';
import { parseLayers } from '../nn/spec.js';
import { imageShape } from './augment.js';
import { asTrainError, TrainError } from './errors.js';
import type { TrainOptions } from './options.js';

export type NetworkChoice = Pick<TrainOptions, 'layers' | 'hiddenLayers' | 'features' | 'activation'>;

/** The (c, h, w) of n_x-byte examples: square RGB images, else the dataset's (3, 64, 64). */
export function inputShape(n_x: number): Shape {
  return imageShape(n_x) ?? IMAGE_SHAPE;
}

/** The config: the conv body (if any), flatten, [n_0, ...hidden, 1] with the hidden activation, output sigmoid. */
export function requestedNetwork(o: NetworkChoice, n_x: number): NetworkConfig {
  try {
    let hidden = o.hiddenLayers;
    let features = o.features ?? [];
    if (o.layers !== undefined) {
      // Without conv or pool items: the course's parser and its messages, n_0 = the data's n_x.
      const items = o.layers.split(',').map((s) => s.trim());
      if (items.some((item) => /^(c\d+(k\d+)?|p)$/i.test(item))) return convNetwork(o.layers, o.activation, n_x);
      hidden = parseHiddenLayers(o.layers);
      features = [];
    }
    if (!Array.isArray(hidden))
      throw new TrainError(
        'bad-layers',
        `training options: hiddenLayers must be a list of sizes like [20, 7, 5], got ${hidden}`,
      );
    if (features.length === 0) return networkConfig(hidden, o.activation, n_x);
    const image = convInput(n_x);
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

/** The image shape a convolutional body reads: n_x bytes must be a square RGB image. */
function convInput(n_x: number): Shape {
  const shape = imageShape(n_x);
  if (!shape)
    throw new TrainError(
      'bad-layers',
      `layers: convolutions need square RGB images; these examples have ${n_x} values`,
    );
  return shape;
}

/** A network with a convolutional body, from the layers text. */
function convNetwork(text: string, activation: Activation, n_x: number): NetworkConfig {
  return parseLayers(text, activation, convInput(n_x));
}
