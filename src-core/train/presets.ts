// The named starting points the app and `catnet train --preset` offer: the course's three networks
// (which reproduce the course exactly: full batch, gradient descent, no augmentation) and a small
// convolutional net for real photos. The app and the CLI read them from here.

import type { InitMethod } from '../nn/init.js';
import type { Activation } from '../nn/model.js';
import type { Augmentation } from './augment.js';
import type { OptimizerName } from './optimizers.js';
import type { TrainOptions } from './options.js';

export const PRESET_IDS = ['logistic', 'two-layer', 'four-layer', 'small-cnn'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** Everything a preset sets: the network as layers text ("" = logistic regression) and the schedule. */
export interface PresetSettings {
  layers: string;
  activation: Activation;
  init: InitMethod;
  learningRate: number;
  /** Full batch: iterations; mini-batch: epochs. */
  iterations: number;
  /** 0 = full batch. */
  batchSize: number;
  optimizer: OptimizerName;
  l2: number;
  validationFraction: number;
  seed: number;
  augment: Augmentation;
}

export interface Preset {
  id: PresetId;
  /** For people: "Small CNN". */
  name: string;
  description: string;
  settings: PresetSettings;
}

const COURSE: PresetSettings = {
  layers: '20,7,5',
  activation: 'relu',
  init: 'course',
  learningRate: 0.0075,
  iterations: 2500,
  batchSize: 0,
  optimizer: 'gd',
  l2: 0,
  validationFraction: 0,
  seed: 1,
  augment: { flip: false, shift: 0 },
};

export const PRESETS: Record<PresetId, Preset> = {
  logistic: {
    id: 'logistic',
    name: 'Logistic regression',
    description: "One sigmoid unit on the pixels: the course's first classifier ([12288, 1], 2,000 iterations).",
    settings: { ...COURSE, layers: '', init: 'zeros', learningRate: 0.005, iterations: 2000 },
  },
  'two-layer': {
    id: 'two-layer',
    name: '2-layer network',
    description: "The course's [12288, 7, 1] network, small random init, 2,500 iterations.",
    settings: { ...COURSE, layers: '7', init: 'small' },
  },
  'four-layer': {
    id: 'four-layer',
    name: '4-layer network',
    description: "The course's [12288, 20, 7, 5, 1] network: 80% on its cat test set.",
    settings: { ...COURSE },
  },
  'small-cnn': {
    id: 'small-cnn',
    name: 'Small CNN',
    description:
      'Three 3x3 convolutions (16, 32, 64 filters) each followed by 2x2 max-pooling, then 64 units: for real photos. Adam, batch 32, 30 epochs, random flips and shifts.',
    settings: {
      layers: 'c16,p,c32,p,c64,p,64',
      activation: 'relu',
      init: 'he',
      learningRate: 1e-3,
      iterations: 30,
      batchSize: 32,
      optimizer: 'adam',
      l2: 0,
      validationFraction: 0,
      seed: 1,
      augment: { flip: true, shift: 4 },
    },
  },
};

/** The TrainOptions of a preset (copies: the caller may change them). */
export function presetOptions(id: PresetId): TrainOptions {
  const s = PRESETS[id].settings;
  return { ...s, augment: { ...s.augment } };
}
