// Continue training: checks that the parameters a run starts from (TrainOptions.initialModel, e.g. an
// imported .onnx) belong to the network the run asks for. Errors name both networks and say what to do.

import type { NetworkConfig } from '../nn/model.js';
import { TrainError } from './errors.js';
import type { InitialModel } from './options.js';

/** "[12288, 7, 1] relu" (hidden activations; the output is always sigmoid). */
export function describeNetwork(config: NetworkConfig): string {
  const hidden = config.activations?.slice(0, -1) ?? [];
  const g = hidden.length === 0 ? 'logistic regression' : [...new Set(hidden)].join('/');
  return `[${config.layerDims?.join(', ')}] ${g}`;
}

function sameConfig(a: NetworkConfig, b: NetworkConfig): boolean {
  return (
    a.layerDims.length === b.layerDims.length &&
    a.layerDims.every((n, i) => n === b.layerDims[i]) &&
    a.activations.length === b.activations.length &&
    a.activations.every((g, i) => g === b.activations[i])
  );
}

/**
 * Throws unless `initial` has exactly the architecture `requested` and parameters of its shapes:
 * W[l-1] of n[l] * n[l-1] and b[l-1] of n[l] finite float32 values, for l = 1..L.
 */
export function checkInitialModel(initial: InitialModel, requested: NetworkConfig): void {
  const config = initial?.config;
  if (!config || !Array.isArray(config.layerDims) || !Array.isArray(config.activations))
    throw new TrainError(
      'bad-initial-model',
      'training options: initialModel needs { config: { layerDims, activations }, params: { W, b } }',
    );
  if (!sameConfig(config, requested)) {
    const hidden = config.layerDims.slice(1, -1);
    if (new Set(config.activations.slice(0, -1)).size > 1)
      throw new TrainError(
        'bad-initial-model',
        `training options: the model to continue from is ${describeNetwork(config)}, with different hidden ` +
          `activations; catnet trains networks with one hidden activation, so it cannot continue this model (the requested network is ${describeNetwork(requested)})`,
      );
    const g = config.activations[0];
    throw new TrainError(
      'bad-initial-model',
      `training options: the model to continue from is ${describeNetwork(config)} but the requested network is ` +
        `${describeNetwork(requested)}; to continue from it, set the hidden layers to ` +
        `${hidden.length === 0 ? '"" (none)' : hidden.join(',')}${hidden.length > 0 ? ` and the activation to ${g}` : ''}` +
        `${config.layerDims[0] !== requested.layerDims[0] ? ` (and use images of ${config.layerDims[0]} values)` : ''}, or train from scratch`,
    );
  }
  const { layerDims } = requested;
  for (let l = 1; l < layerDims.length; l++) {
    const W = initial.params?.W?.[l - 1];
    const b = initial.params?.b?.[l - 1];
    const nW = layerDims[l] * layerDims[l - 1];
    if (!(W instanceof Float32Array) || W.length !== nW || !(b instanceof Float32Array) || b.length !== layerDims[l])
      throw new TrainError(
        'bad-initial-model',
        `training options: the model to continue from has parameters of the wrong shape at layer ${l}: ` +
          `W ${W?.length} and b ${b?.length} values (Float32Array), expected ${nW} = ${layerDims[l]} x ${layerDims[l - 1]} and ${layerDims[l]}`,
      );
    for (const [name, a] of [
      ['W', W],
      ['b', b],
    ] as const) {
      const i = a.findIndex((x) => !Number.isFinite(x));
      if (i >= 0)
        throw new TrainError(
          'bad-initial-model',
          `training options: the model to continue from has ${name}${l}[${i}] = ${a[i]}`,
        );
    }
  }
  if (initial.params.W.length !== layerDims.length - 1 || initial.params.b.length !== layerDims.length - 1)
    throw new TrainError(
      'bad-initial-model',
      `training options: the model to continue from has ${initial.params.W.length} weight and ${initial.params.b.length} bias arrays, expected ${layerDims.length - 1} of each`,
    );
}
