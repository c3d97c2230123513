// The settings of `catnet train`: its options as parsed, a preset filling what the command line did
// not give, and the network, names and resize mode an --init-from model supplies.

import type { InitMethod } from '../nn/init.js';
import { type Activation, type Model, N_X, type ResizeMode } from '../nn/model.js';
import { formatLayers } from '../nn/spec.js';
import type { Augmentation } from '../train/augment.js';
import { checkInitialModel } from '../train/initial-model.js';
import { requestedNetwork } from '../train/network-choice.js';
import type { OptimizerName } from '../train/optimizers.js';
import { PRESETS, type PresetId } from '../train/presets.js';
import { errorText } from './terminal.js';

export interface TrainCommandOptions {
  positive: string;
  negative: string;
  /** names, layers, activation and resize: absent = the --init-from model's, else the defaults. */
  names?: [string, string];
  /** Layers text: "c16,p,c32,p,64", "20,7,5", "" (logistic regression). */
  layers?: string;
  activation?: Activation;
  init: InitMethod;
  iterations?: number;
  epochs?: number;
  learningRate: number;
  batchSize: number;
  optimizer: OptimizerName;
  l2: number;
  decay: number;
  validation: number;
  patience: number;
  seed: number;
  augment: Augmentation;
  preset?: PresetId;
  testPositive?: string;
  testNegative?: string;
  resize?: ResizeMode;
  /** A .onnx model to continue training (instead of initialising). */
  initFrom?: string;
  out?: string;
  cache?: string;
  json?: boolean;
}

/** Defaults of the options an --init-from model can supply. */
export const DEFAULTS = {
  names: ['cat', 'non-cat'] as [string, string],
  layers: '20,7,5',
  activation: 'relu' as Activation,
};

/** The network, names and resize mode to train with: given ones, else the --init-from model's, else defaults. */
export function resolveNetwork(o: TrainCommandOptions, initial: Model | null) {
  const layers = o.layers ?? (initial ? formatLayers(initial.config) : DEFAULTS.layers);
  const activation = o.activation ?? (initial ? modelActivation(initial) : undefined) ?? DEFAULTS.activation;
  const names = o.names ?? initial?.classNames ?? DEFAULTS.names;
  const resize = o.resize ?? initial?.resize ?? 'cover';
  // Checked before any image is read: a mismatch names both networks.
  if (initial && o.initFrom)
    try {
      checkInitialModel(initial, requestedNetwork({ layers, activation }, N_X));
    } catch (error) {
      throw new Error(`--init-from ${o.initFrom}: ${errorText(error).replace(/^training options: /, '')}`);
    }
  return { layers, activation, names, resize };
}

/** Sets every option a preset covers that the command line did not give; returns the keys set. */
export function applyPreset(o: TrainCommandOptions, id: PresetId, given: (key: string) => boolean): Set<string> {
  const p = PRESETS[id].settings;
  const values: Partial<TrainCommandOptions> = {
    layers: p.layers,
    activation: p.activation,
    init: p.init,
    learningRate: p.learningRate,
    batchSize: p.batchSize,
    optimizer: p.optimizer,
    l2: p.l2,
    validation: p.validationFraction,
    seed: p.seed,
    augment: { ...p.augment },
  };
  const set = new Set<string>();
  for (const [key, value] of Object.entries(values))
    if (!given(key)) {
      Object.assign(o, { [key]: value });
      set.add(key);
    }
  if (!given('iterations') && !given('epochs')) {
    const batched = (given('batchSize') ? o.batchSize : p.batchSize) > 0;
    Object.assign(o, batched ? { epochs: p.iterations } : { iterations: p.iterations });
  }
  return set;
}

/** The hidden activation of a model (the first non-sigmoid one), or undefined for logistic regression. */
function modelActivation(model: Model): Activation | undefined {
  const conv = model.config.features?.find((f) => f.kind === 'conv');
  if (conv?.kind === 'conv') return conv.activation;
  return model.config.layerDims.length > 2 ? model.config.activations[0] : undefined;
}
