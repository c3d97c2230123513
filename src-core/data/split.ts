// Stratified, seeded train/validation split of row indices (each class keeps its proportion).

import { mulberry32, shuffleInPlace } from '../nn/random.js';

/**
 * Per class c: shuffle its rows with `seed`, send round(fraction * count_c) to validation (at least one
 * when fraction > 0 and the class has two or more rows), the rest to train. Both outputs sorted.
 */
export function stratifiedIndices(
  labels: ArrayLike<number>,
  fraction: number,
  seed: number,
): { train: Uint32Array; validation: Uint32Array } {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`stratifiedSplit: fraction must be in [0, 1), got ${fraction}`);
  const rand = mulberry32(seed);
  const train: number[] = [];
  const validation: number[] = [];
  for (const c of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) rows.push(i);
    const idx = Uint32Array.from(rows);
    shuffleInPlace(idx, (n) => Math.floor(rand() * n));
    let nVal = Math.round(fraction * idx.length);
    if (fraction > 0 && nVal === 0 && idx.length >= 2) nVal = 1;
    for (let k = 0; k < idx.length; k++) (k < nVal ? validation : train).push(idx[k]);
  }
  return { train: Uint32Array.from(train).sort(), validation: Uint32Array.from(validation).sort() };
}
