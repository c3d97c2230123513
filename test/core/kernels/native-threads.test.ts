// The native thread pool and the ways ops.c splits work (src-core/native/threads.c, ops.c): row
// splits (one contiguous range of rows per thread, with k blocks and column blocks), column splits,
// and elementwise ranges must give the reference's answer and the same bits for 1, 2 and 3 threads,
// for every ISA this machine runs, also when calls of different splits follow each other quickly
// (workers still finishing one job while the next is published).
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../../src-core/kernels/kernels.js';
import { setNativeIsa, setNativeThreads } from '../../../src-core/kernels/native.js';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { bytes, expectClose, floats, nativeUnderTest, sameBits } from '../../helpers/native-kernels.js';

const { native, isas, defaultIsa } = nativeUnderTest('native thread tests');
const ref = referenceKernels();

// Shapes and the split each takes with 2 threads (4 MiB of B at most for a row split):
//   [20, 96, 4500]   u8 "nt": row split, 3 blocks of k, several column blocks (beta != 0 too)
//   [21, 211, 97]    every form: row split into 10 + 11 rows
//   [7, 300, 4200]   fewer than 4 rows per thread: column split, 3 blocks of k
const SHAPES: [number, number, number][] = [
  [20, 96, 4500],
  [21, 211, 97],
  [7, 300, 4200],
  [64, 4100, 0], // K = 0 (C = beta C) on a problem big enough to split
];

/** Every GEMM form on one shape; returns all outputs end to end. */
function gemms(kn: Kernels, M: number, N: number, K: number): Float32Array {
  const A = floats(M * K, 1, -0.5, 0.5);
  const Bu = bytes(N * K, 2);
  const Bf = floats(N * K, 3);
  const out = new Float32Array(6 * M * N);
  const C = (i: number) => out.subarray(i * M * N, (i + 1) * M * N);
  for (let i = 0; i < 6; i++) C(i).set(floats(M * N, 10 + i));
  kn.gemmU8(true, M, N, K, 1 / 255, A, Bu, 0, C(0));
  kn.gemmU8(true, M, N, K, -0.5 / 255, A, Bu, 0.75, C(1));
  kn.gemmU8(false, M, N, K, 1 / 255, A, Bu, 0, C(2));
  kn.gemm(false, true, M, N, K, 1, A, Bf, 0, C(3));
  kn.gemm(false, false, M, N, K, 0.5, A, Bf, -1, C(4));
  kn.gemm(true, true, M, N, K, 1, A, Bf, 0, C(5));
  return out;
}

const expectedCache = new Map<string, Float32Array>();
function expectedGemms(M: number, N: number, K: number): Float32Array {
  const key = `${M},${N},${K}`;
  if (!expectedCache.has(key)) expectedCache.set(key, gemms(ref, M, N, K));
  return expectedCache.get(key)!;
}

describe.skipIf(!native)(
  'native thread pool: splits give the reference answer and the same bits for 1-3 threads',
  () => {
    for (const isa of isas) {
      it(`ISA ${isa}: GEMM row and column splits`, () => {
        expect(setNativeIsa(isa)).toBe(true);
        for (const [M, N, K] of SHAPES) {
          setNativeThreads(1);
          const expected = expectedGemms(M, N, K);
          const one = gemms(native!, M, N, K);
          // float32 sums of K terms of size <= 1 against the reference's own float32 order
          expectClose(
            `${isa} [${M}, ${N}, ${K}] 1 thread`,
            one,
            expected,
            2e-6 * Math.max(K, 1),
            2e-6 * Math.max(K, 1),
          );
          for (const threads of [2, 3]) {
            setNativeThreads(threads);
            const got = gemms(native!, M, N, K);
            if (!sameBits(got, one)) {
              expectClose(`${isa} [${M}, ${N}, ${K}] ${threads} threads`, got, one, 0, 0);
            }
          }
        }
      });
    }

    it('elementwise steps over uneven ranges: same bits for 1, 2 and 3 threads, equal to the reference', () => {
      setNativeIsa(defaultIsa);
      const size = 246_311; // the course net's parameter count: 64-value blocks do not divide it
      const g = floats(size, 5);
      const results: Float32Array[] = [];
      for (const threads of [1, 2, 3]) {
        setNativeThreads(threads);
        const p = floats(size, 4);
        native!.momentumStep(p, g, new Float32Array(0), 0.0075, 0, size);
        native!.axpy(p, g, 0.25, size);
        results.push(p);
      }
      const p = floats(size, 4);
      ref.momentumStep(p, g, new Float32Array(0), 0.0075, 0, size);
      ref.axpy(p, g, 0.25, size);
      expectClose('momentum + axpy', results[0], p, 1e-6, 1e-6);
      expect(sameBits(results[1], results[0])).toBe(true);
      expect(sameBits(results[2], results[0])).toBe(true);
    });

    it('calls with different numbers of parts back to back keep every result (2 and 3 threads)', () => {
      setNativeIsa(defaultIsa);
      const [M, N, K] = [20, 209, 700]; // row split (2 or 3 parts), then an 8- or 12-part update
      const A = floats(M * K, 7);
      const X = bytes(N * K, 8);
      const Z = new Float32Array(M * N);
      const dW = new Float32Array(M * K);
      const runs: Float32Array[] = [];
      for (const threads of [1, 2, 3]) {
        setNativeThreads(threads);
        const W = A.slice();
        for (let r = 0; r < 300; r++) {
          native!.gemmU8(true, M, N, K, 1 / 255, W, X, 0, Z);
          native!.gemmU8(false, M, K, N, 1e-3 / (255 * N), Z, X, 0, dW);
          native!.momentumStep(W, dW, new Float32Array(0), 1, 0, M * K);
        }
        runs.push(W);
      }
      expect(sameBits(runs[1], runs[0])).toBe(true);
      expect(sameBits(runs[2], runs[0])).toBe(true);
    });
  },
);
