// Pixel runs: built from row views, merged when contiguous, gathered in order; one run is a view.
import { describe, expect, it } from 'vitest';
import { gatherPixels, gatherTrainingData, pixelRunsOf } from '../../../src-core/train/gather.js';

const n = 4; // bytes per row in these tests

function shared(rows: number, first: number): Uint8Array {
  const a = new Uint8Array(new SharedArrayBuffer(rows * n));
  for (let i = 0; i < a.length; i++) a[i] = (first + i) % 256;
  return a;
}
const row = (a: Uint8Array, i: number) => a.subarray(i * n, (i + 1) * n);

describe('pixel runs', () => {
  const A = shared(5, 0);
  const B = shared(3, 100);
  const rows = [row(A, 0), row(A, 1), row(B, 2), row(A, 3), row(A, 4), row(B, 0)];

  it('merges contiguous rows of one buffer and gathers in the given order', () => {
    const runs = pixelRunsOf(rows)!;
    expect(runs.sources.map((s) => s.buffer)).toEqual([A.buffer, B.buffer]);
    expect(Array.from(runs.runs)).toEqual([0, 0, 8, 1, 8, 4, 0, 12, 8, 1, 0, 4]);
    const oracle = Uint8Array.from(rows.flatMap((r) => Array.from(r)));
    expect(gatherPixels(runs, 'x')).toEqual(oracle);
  });

  it('one run is a view of the source (no copy)', () => {
    const X = gatherPixels(pixelRunsOf([row(A, 1), row(A, 2)])!, 'x');
    expect(X.buffer).toBe(A.buffer);
    expect(Array.from(X)).toEqual(Array.from(A.subarray(n, 3 * n)));
  });

  it('refuses non-shared rows (sending them would clone their whole buffer)', () => {
    expect(pixelRunsOf([row(A, 0), new Uint8Array(n)])).toBeNull();
  });

  it('says which run is out of bounds; plain arrays pass through', () => {
    const bad = { sources: [A], runs: Float64Array.from([0, 16, 8]) };
    expect(() => gatherPixels(bad, 'training data')).toThrow(/training data: pixel run 0 .*outside/);
    expect(gatherTrainingData({ X: A, Y: new Uint8Array(5), m: 5 }).X).toBe(A);
  });
});
