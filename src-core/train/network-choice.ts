// The network a run asks for, from TrainOptions: layers text ("c16,p,c32,p,64", "20,7,5"), or hidden
// layer sizes (the course's nets), with one hidden activation. Every refusal is a 'bad-layers'
// TrainError naming the value.

import { networkConfig, parseHiddenLayers } from '../nn/config.js';
import type { NetworkConfig } from '../nn/model.js';
import { asTrainError, TrainError } from './errors.js';
import type { TrainOptions } from './options.js';

export type NetworkChoice = Pick<TrainOptions, 'layers' | 'hiddenLayers' | 'features' | 'activation'>;

/** The config: [n_x, ...hidden, 1] with the hidden activation (output sigmoid), after any conv body. */
export function requestedNetwork(o: NetworkChoice, n_x: number): NetworkConfig {
  try {
    if (o.layers !== undefined) return networkConfig(parseHiddenLayers(o.layers), o.activation, n_x);
    if (!Array.isArray(o.hiddenLayers))
      throw new TrainError(
        'bad-layers',
        `training options: hiddenLayers must be a list of sizes like [20, 7, 5], got ${o.hiddenLayers}`,
      );
    return networkConfig(o.hiddenLayers, o.activation, n_x);
  } catch (error) {
    throw asTrainError(error, 'bad-layers');
  }
}

/** The layers text of a config: "20,7,5" ("" for logistic regression). */
export function layersText(config: NetworkConfig): string {
  return config.layerDims.slice(1, -1).join(',');
}
