// gatherRows (a mini-batch out of the training set): the native memcpy path (src-core/native/memory.c,
// on the kernels' thread pool) and the JS path give the rows asked for, and the native one refuses
// any index outside the set before copying anything.

import { afterEach, describe, expect, it } from 'vitest';
import { nativeData, useNativeData } from '../../../src-core/data/native-data.js';
import { gatherRows } from '../../../src-core/train/gather.js';

afterEach(() => useNativeData(true));
const native = nativeData();
if (!native) console.warn('gather-rows tests: the native addon is not built; its checks are skipped');

/** m rows of n bytes, row r filled from a simple hash of (r, j), in shared memory like a Dataset. */
function rowsOf(m: number, n: number): Uint8Array {
  const X = new Uint8Array(new SharedArrayBuffer(m * n));
  for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) X[r * n + j] = (r * 131 + j * 7 + (j >> 8)) & 255;
  return X;
}

describe('gatherRows', () => {
  for (const withNative of [true, false])
    it(`${withNative ? 'native' : 'JS'}: dst row i is X row rows[from + i], for odd row sizes and counts`, () => {
      useNativeData(withNative);
      for (const [m, n, count] of [
        [50, 12288, 37],
        [9, 1000, 3],
        [300, 300, 256],
        [5, 17, 0],
      ]) {
        const X = rowsOf(m, n);
        const rows = Uint32Array.from({ length: count + 4 }, (_, i) => (i * 7919 + 3) % m);
        const dst = new Uint8Array((count + 1) * n).fill(0xee);
        gatherRows(X, n, rows, 2, count, dst);
        for (let i = 0; i < count; i++) {
          const want = X.subarray(rows[2 + i] * n, (rows[2 + i] + 1) * n);
          expect(Buffer.compare(Buffer.from(dst.subarray(i * n, (i + 1) * n)), Buffer.from(want)), `row ${i}`).toBe(0);
        }
        expect(dst.subarray(count * n).every((b) => b === 0xee)).toBe(true); // nothing past count rows
      }
    });

  it.skipIf(!native)('native: a row outside X, a range outside rows or a short dst throws and copies nothing', () => {
    const X = rowsOf(10, 64);
    const dst = new Uint8Array(4 * 64).fill(1);
    expect(() => native!.gatherRows(X, 64, Uint32Array.of(1, 2, 10, 3), 0, 4, dst)).toThrow(/row 10 \(index 2\)/);
    expect(dst.every((b) => b === 1)).toBe(true);
    expect(() => native!.gatherRows(X, 64, Uint32Array.of(1, 2), 1, 2, dst)).toThrow(RangeError);
    expect(() => native!.gatherRows(X, 64, Uint32Array.of(1, 2, 3, 4, 5), 0, 5, dst)).toThrow(/fewer than count/);
    expect(() => native!.gatherRows(X, 0, Uint32Array.of(1), 0, 1, dst)).toThrow(RangeError);
    expect(() => native!.gatherRows(X, 64, [1] as unknown as Uint32Array, 0, 1, dst)).toThrow(TypeError);
  });
});
