// The network a run asks for, from TrainOptions: hidden layer sizes (the course's nets) with one
// hidden activation. Every refusal is a 'bad-layers' TrainError naming the value.

import { networkConfig } from '../nn/config.js';
import type { NetworkConfig } from '../nn/model.js';
import { asTrainError, TrainError } from './errors.js';
import type { TrainOptions } from './options.js';

/** [n_x, ...hidden, 1] with the hidden activation; the output is sigmoid. */
export function requestedNetwork(o: TrainOptions, n_x: number): NetworkConfig {
  if (!Array.isArray(o.hiddenLayers))
    throw new TrainError(
      'bad-layers',
      `training options: hiddenLayers must be a list of sizes like [20, 7, 5], got ${o.hiddenLayers}`,
    );
  try {
    return networkConfig(o.hiddenLayers, o.activation, n_x);
  } catch (error) {
    throw asTrainError(error, 'bad-layers');
  }
}
