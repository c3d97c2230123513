// Parsers for `catnet train`'s option values: each turns text into a value or throws commander's
// InvalidArgumentError with a message naming the option; text errors (layers, augmentation) exit 2.

import { InvalidArgumentError } from 'commander';
import { N_X } from '../nn/model.js';
import { type Augmentation, parseAugmentation } from '../train/augment.js';
import { requestedNetwork } from '../train/network-choice.js';
import { errorText } from './terminal.js';

/** Exit code of a command-line usage error in a value's text (bad layers or augmentation). */
export const USAGE_EXIT_CODE = 2;

function usageError(message: string): InvalidArgumentError {
  const error = new InvalidArgumentError(message);
  error.exitCode = USAGE_EXIT_CODE;
  return error;
}

export function choice<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}.`);
    return value as T;
  };
}

export function number(name: string, test: (x: number) => boolean, what: string) {
  return (value: string): number => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || !test(x)) {
      throw new InvalidArgumentError(`${name} must be ${what}, got "${value}".`);
    }
    return x;
  };
}

export const wholeAtLeast = (name: string, min: number) =>
  number(name, (x) => Number.isInteger(x) && x >= min, `a whole number >= ${min}`);

export function names(value: string): [string, string] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) {
    throw new InvalidArgumentError(
      `--names takes two class names, positive first, like "cat,non-cat"; got "${value}".`,
    );
  }
  return [parts[0], parts[1]];
}

/** The layers text as given ("c16,p,c32,p,64", "20,7,5", "" = logistic regression), checked now. */
export function layers(value: string): string {
  try {
    requestedNetwork({ layers: value, activation: 'relu' }, N_X);
  } catch (error) {
    throw usageError(`--layers: ${errorText(error)}`);
  }
  return value.trim();
}

export function augment(value: string): Augmentation {
  try {
    return parseAugmentation(value);
  } catch (error) {
    throw usageError(`--augment: ${errorText(error)}`);
  }
}
