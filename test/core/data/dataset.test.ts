// Dataset: float conversion in both layouts, stratified split, subset/concat, duplicates, imbalance,
// and pixels shared with a worker thread without a copy.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../src-core/data/dataset.js';
import { findDuplicates } from '../../../src-core/data/duplicates.js';
import { N_X } from '../../../src-core/nn/model.js';

function vec(seed: number): Uint8Array {
  const v = new Uint8Array(N_X);
  for (let j = 0; j < N_X; j++) v[j] = (seed * 31 + j * 7) % 256;
  return v;
}

function make(labels: number[]): Dataset {
  return Dataset.fromVectors(
    labels.map((_, i) => vec(i)),
    labels,
    labels.map((_, i) => `/img/${i}.png`),
  );
}

describe('Dataset', () => {
  it('keeps pixels in a SharedArrayBuffer, m x 12288, and counts classes', () => {
    const ds = make([1, 0, 0, 1, 0]);
    expect(ds.m).toBe(5);
    expect(ds.pixels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ds.pixels.length).toBe(5 * N_X);
    expect(ds.counts()).toEqual({ positive: 2, negative: 3 });
    expect(Array.from(ds.vector(3).subarray(0, 4))).toEqual(Array.from(vec(3).subarray(0, 4)));
  });

  it('converts to float x/255 as rows (batch, n_x) and as the course X (n_x, batch)', () => {
    const ds = make([1, 0, 1]);
    const rows = ds.toFloat([2, 0]);
    const cols = ds.toFloatColumns([2, 0]);
    expect(rows.length).toBe(2 * N_X);
    for (const j of [0, 1, 777, N_X - 1]) {
      expect(rows[j]).toBeCloseTo(vec(2)[j] / 255, 7);
      expect(rows[N_X + j]).toBeCloseTo(vec(0)[j] / 255, 7);
      expect(cols[j * 2]).toBeCloseTo(vec(2)[j] / 255, 7);
      expect(cols[j * 2 + 1]).toBeCloseTo(vec(0)[j] / 255, 7);
    }
    expect(Array.from(ds.labelsFloat([2, 1]))).toEqual([1, 0]);
    expect(ds.toFloat().length).toBe(3 * N_X);
  });

  it('splits stratified, disjoint, complete and reproducibly', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 30 ? 1 : 0));
    const ds = make(labels);
    const { train, validation } = ds.stratifiedSplit(0.2, 42);
    expect(train.length + validation.length).toBe(100);
    expect(new Set([...train, ...validation]).size).toBe(100);
    expect([...validation].filter((i) => labels[i] === 1)).toHaveLength(6);
    expect([...validation].filter((i) => labels[i] === 0)).toHaveLength(14);
    expect(ds.stratifiedSplit(0.2, 42)).toEqual({ train, validation });
    expect(Array.from(ds.stratifiedSplit(0.2, 43).validation)).not.toEqual(Array.from(validation));
    expect(ds.stratifiedSplit(0, 1).validation.length).toBe(0);
    expect(() => ds.stratifiedSplit(1, 1)).toThrow(/fraction/);
  });

  it('subsets and concatenates with labels and paths following the rows', () => {
    const ds = make([1, 0, 1, 0]);
    const s = ds.subset([3, 1]);
    expect(s.paths).toEqual(['/img/3.png', '/img/1.png']);
    expect(Array.from(s.labels)).toEqual([0, 0]);
    expect(Buffer.compare(Buffer.from(s.vector(0)), Buffer.from(vec(3)))).toBe(0);
    const c = Dataset.concat(ds, s);
    expect(c.m).toBe(6);
    expect(c.paths[5]).toBe('/img/1.png');
    expect(Buffer.compare(Buffer.from(c.vector(4)), Buffer.from(vec(3)))).toBe(0);
    expect(() => ds.subset([9])).toThrow(/outside/);
    expect(Dataset.empty().m).toBe(0);
  });

  it('finds identical rows and rows present in both classes', () => {
    const vectors = [vec(1), vec(2), vec(1), vec(3), vec(2), vec(1)];
    const ds = Dataset.fromVectors(vectors, [1, 1, 1, 0, 0, 0], ['a', 'b', 'c', 'd', 'e', 'f']);
    const d = findDuplicates(ds);
    expect(d.groups).toEqual([
      [0, 2, 5],
      [1, 4],
    ]);
    expect(d.inBothClasses).toEqual([0, 1, 2, 4, 5]);
    expect(findDuplicates(make([1, 0, 1])).groups).toEqual([]);
  });

  it('warns about imbalance and tiny classes, and not about a balanced set', () => {
    const lab = (p: number, n: number) => [...Array(p).fill(1), ...Array(n).fill(0)];
    expect(make(lab(12, 300)).imbalanceWarning(['cat', 'non-cat'])).toMatch(/^Only 12 'cat' images for 300 'non-cat'/);
    expect(make(lab(0, 20)).imbalanceWarning(['cat', 'dog'])).toMatch(/No 'cat' images/);
    expect(make(lab(5, 6)).imbalanceWarning(['a', 'b'])).toMatch(/Only 5 'a' images/);
    expect(make(lab(72, 137)).imbalanceWarning(['cat', 'non-cat'])).toBeNull();
  });

  it('shares pixels with a worker thread without copying', async () => {
    const ds = make([1, 0]);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const px = workerData.pixels;
      px[5] = 201;
      parentPort.postMessage(px[0] + px[12288]);`;
    const worker = new Worker(code, { eval: true, workerData: ds.toTransfer() });
    const sum = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(sum).toBe(ds.pixels[0] + ds.pixels[N_X]);
    expect(ds.pixels[5]).toBe(201); // written by the worker, seen here: same memory
    const back = Dataset.fromTransfer(ds.toTransfer());
    expect(back.pixels).toBe(ds.pixels);
  });
});
