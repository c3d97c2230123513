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
