// Holding out a validation set: the data layer's stratified, seeded choice of rows, then the rows
// copied into their own contiguous (m', n_x) buffers so full-batch passes read them without a gather.

import { privatePixels } from '../data/pixel-memory.js';
import { stratifiedIndices } from '../data/split.js';
import { gatherRows } from './gather.js';

export interface Examples {
  X: Uint8Array;
  Y: Uint8Array;
  m: number;
}

/** Rows `indices` of X (m, n_x) and Y (m), copied. */
export function takeExamples(X: Uint8Array, Y: Uint8Array, n_x: number, indices: ArrayLike<number>): Examples {
  const m = indices.length;
  const Xs = privatePixels(m * n_x); // huge pages asked for: the copy faults in fast, and gathers miss the TLB less
  const Ys = new Uint8Array(m);
  gatherRows(X, n_x, Uint32Array.from(indices), 0, m, Xs); // memcpy per row with the addon
  for (let i = 0; i < m; i++) Ys[i] = Y[indices[i]];
  return { X: Xs, Y: Ys, m };
}

/**
 * Splits off round(fraction * count) examples of each class for validation (seeded). fraction = 0
 * returns the data itself as the training set (no copy) and no validation set.
 */
export function splitValidation(
  data: Examples,
  n_x: number,
  fraction: number,
  seed: number,
): { train: Examples; validation: Examples | null } {
  if (fraction === 0) return { train: data, validation: null };
  const { train, validation } = stratifiedIndices(data.Y.subarray(0, data.m), fraction, seed);
  if (train.length === 0 || validation.length === 0) {
    throw new Error(
      `a validation fraction of ${fraction} leaves ${train.length} training and ${validation.length} validation images; add images or change the fraction`,
    );
  }
  return { train: takeExamples(data.X, data.Y, n_x, train), validation: takeExamples(data.X, data.Y, n_x, validation) };
}
