// TrainOptions with every default filled in, checked: each refusal is a TrainError that says which
// value is wrong and what is accepted. The network itself is resolved in network-choice.ts.

import { INIT_METHODS } from '../nn/init.js';
import { ACTIVATIONS } from '../nn/model.js';
import { type Augmentation, checkAugmentation, NO_AUGMENTATION } from './augment.js';
import { TrainError } from './errors.js';
import { OPTIMIZERS } from './optimizers.js';
import type { TrainOptions } from './options.js';

/** Every option with its default filled in (the network and the starting model are resolved apart). */
export type ResolvedOptions = Required<
  Omit<TrainOptions, 'epochs' | 'initialModel' | 'hiddenLayers' | 'layers' | 'features' | 'memoryLimitBytes'>
> & { augment: Augmentation };

function check(ok: boolean, message: string): void {
  if (!ok) throw new TrainError('bad-option', `training options: ${message}`);
}

export function resolveOptions(o: TrainOptions): ResolvedOptions {
  const batchSize = o.batchSize ?? 0;
  const r: ResolvedOptions = {
    activation: o.activation,
    init: o.init,
    learningRate: o.learningRate,
    iterations: batchSize > 0 ? (o.epochs ?? o.iterations) : o.iterations,
    batchSize,
    optimizer: o.optimizer ?? 'gd',
    l2: o.l2 ?? 0,
    validationFraction: o.validationFraction ?? 0,
    seed: o.seed ?? 1,
    decayRate: o.decayRate ?? 0,
    patience: o.patience ?? 0,
    validationEvery: o.validationEvery ?? 10,
    progressIntervalMs: o.progressIntervalMs ?? 100,
    beta: o.beta ?? 0.9,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    epsilon: o.epsilon ?? 1e-8,
    augment: o.augment ?? NO_AUGMENTATION,
    classNames: o.classNames ?? ['cat', 'non-cat'],
    resize: o.resize ?? 'cover',
    threshold: o.threshold ?? 0.5,
  };
  check(ACTIVATIONS.includes(r.activation), `activation "${r.activation}" is not one of ${ACTIVATIONS.join(', ')}`);
  check(INIT_METHODS.includes(r.init), `init "${r.init}" is not one of ${INIT_METHODS.join(', ')}`);
  check(OPTIMIZERS.includes(r.optimizer), `optimizer "${r.optimizer}" is not one of ${OPTIMIZERS.join(', ')}`);
  check(
    Number.isFinite(r.learningRate) && r.learningRate > 0,
    `the learning rate must be a number > 0 (the course uses 0.0075), got ${r.learningRate}`,
  );
  check(
    Number.isInteger(r.iterations) && r.iterations >= 1,
    `${batchSize > 0 ? 'epochs' : 'iterations'} must be a whole number >= 1, got ${r.iterations}`,
  );
  check(
    Number.isInteger(r.batchSize) && r.batchSize >= 0,
    `batch size must be a whole number >= 0 (0 = full batch), got ${r.batchSize}`,
  );
  check(Number.isFinite(r.l2) && r.l2 >= 0, `l2 must be >= 0, got ${r.l2}`);
  check(
    r.validationFraction >= 0 && r.validationFraction < 1,
    `the validation fraction must be in [0, 1), e.g. 0.2, got ${r.validationFraction}`,
  );
  check(
    Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= 0xffffffff,
    `seed must be a whole number >= 0, got ${r.seed}`,
  );
  check(Number.isFinite(r.decayRate) && r.decayRate >= 0, `decay rate must be >= 0, got ${r.decayRate}`);
  check(Number.isInteger(r.patience) && r.patience >= 0, `patience must be a whole number >= 0, got ${r.patience}`);
  check(
    r.patience === 0 || r.validationFraction > 0,
    'early stopping (patience) needs a validation split: set a validation fraction such as 0.2',
  );
  check(
    Number.isInteger(r.validationEvery) && r.validationEvery >= 1,
    `validationEvery must be >= 1, got ${r.validationEvery}`,
  );
  check(r.threshold > 0 && r.threshold < 1, `threshold must be between 0 and 1, got ${r.threshold}`);
  checkAugmentation(r.augment);
  return r;
}
