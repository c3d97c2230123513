// The native kernels as the kernel tests use them: loaded (or the reason they are not, printed with
// the skip), the ISAs this machine runs, and the process-wide ISA and thread count put back after
// the file (tests switch them).

import { afterAll } from 'vitest';
import type { Kernels } from '../../src-core/kernels/kernels.js';
import { nativeInfo, nativeKernels, setNativeIsa, setNativeThreads } from '../../src-core/kernels/native.js';

export type NativeIsa = 'avx512' | 'avx2' | 'neon' | 'scalar';

export interface NativeUnderTest {
  native: Kernels | undefined;
  /** Supported ISAs, best first (empty without the addon). */
  isas: NativeIsa[];
  defaultIsa: NativeIsa;
  defaultThreads: number;
}

/** Loads the addon for a test file (`what` names it in the skip message) and restores its state afterwards. */
export function nativeUnderTest(what: string): NativeUnderTest {
  let native: Kernels | undefined;
  let loadError = '';
  try {
    native = nativeKernels();
  } catch (error) {
    loadError = (error as Error).message;
    console.warn(`${what} skipped: the addon is not built (${loadError}); run node scripts/build-native.mjs`);
  }
  const isas = native ? (nativeInfo().supported.split(',') as NativeIsa[]) : [];
  const defaultIsa = native ? (nativeInfo().isa as NativeIsa) : 'scalar';
  const defaultThreads = native ? nativeInfo().threads : 1;
  afterAll(() => {
    if (!native) return;
    setNativeIsa(defaultIsa);
    setNativeThreads(defaultThreads);
  });
  return { native, isas, defaultIsa, defaultThreads };
}

// One seeded generator and one comparison for every native-vs-reference test.

/** Deterministic xorshift32 stream in [0, 1) (seed 0 is taken as 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * `size` seeded values in [lo, hi), as a view at `offset` inside a larger NaN-filled buffer (offset > 0
 * tests unaligned access and that nothing outside the view is read as data).
 */
export function floats(size: number, seed: number, lo = -1, hi = 1, offset = 0): Float32Array {
  const r = seeded(seed);
  const buffer = new Float32Array(size + offset + (offset ? 2 : 0)).fill(Number.NaN);
  const view = buffer.subarray(offset, offset + size);
  for (let i = 0; i < size; i++) view[i] = lo + (hi - lo) * r();
  return view;
}

/** `size` seeded bytes (0..255), as a view at `offset` inside a larger buffer. */
export function bytes(size: number, seed: number, offset = 0): Uint8Array {
  const r = seeded(seed);
  const view = new Uint8Array(size + offset + (offset ? 3 : 0)).subarray(offset, offset + size);
  for (let i = 0; i < size; i++) view[i] = Math.floor(256 * r());
  return view;
}

/**
 * |actual - expected| <= atol + rtol * |scale[i]| everywhere (scale defaults to expected; pass the
 * reference's sum of |terms| to bound a float32 sum's rounding), naming the first element that is not.
 */
export function expectClose(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
  scale: ArrayLike<number> = expected,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: length ${actual.length}, reference ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(scale[i])))
      throw new Error(`${what}: element ${i} is ${actual[i]}, reference ${expected[i]} (|diff| ${err})`);
  }
}

/** True when two float arrays hold the same bits. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The kernel sources a standalone C driver (native-isa-check.c) links, besides the ISA files. */
export const PORTABLE_NATIVE_SOURCES = ['ops.c', 'conv.c', 'pool.c', 'dispatch.c', 'threads.c', 'kernels_generic.c'];
