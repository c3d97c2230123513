// Images that are the same after preprocessing (same 12,288 bytes), and those present in both classes.
// CRC-32 buckets the rows; equal rows are confirmed byte by byte, so a CRC collision never merges two.

import { crc32 } from 'node:zlib';
import type { Dataset } from './dataset.js';

export interface DuplicateRows {
  /** Groups (two or more rows each) with identical pixels, rows ascending, groups by first row. */
  groups: number[][];
  /** Rows whose pixels also appear under the other label. */
  inBothClasses: number[];
}

/** `hashes` (m): CRC-32 of each row when the caller has them already (the import does); else computed. */
export function findDuplicates(ds: Dataset, hashes?: Uint32Array): DuplicateRows {
  const buckets = new Map<number, number[][]>();
  for (let i = 0; i < ds.m; i++) {
    const v = ds.vector(i);
    const h = hashes ? hashes[i] : crc32(v);
    let groups = buckets.get(h);
    if (!groups) {
      groups = [];
      buckets.set(h, groups);
    }
    const same = groups.find((g) => Buffer.compare(ds.vector(g[0]), v) === 0);
    if (same) same.push(i);
    else groups.push([i]);
  }
  const groups: number[][] = [];
  for (const gs of buckets.values()) for (const g of gs) if (g.length > 1) groups.push(g);
  groups.sort((a, b) => a[0] - b[0]);
  const inBothClasses: number[] = [];
  for (const g of groups) {
    const labels = new Set(g.map((i) => ds.labels[i]));
    if (labels.size > 1) inBothClasses.push(...g);
  }
  inBothClasses.sort((a, b) => a - b);
  return { groups, inBothClasses };
}
