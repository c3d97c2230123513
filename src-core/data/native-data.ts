// The data path's optional native functions (src-core/native/memory.c, in the kernels addon), looked
// up once per thread. Everything here has a plain-JS fallback: without the addon (not built, or
// CATNET_BACKEND=reference) imports give the same results, only slower.

import { loadAddon } from '../kernels/native.js';

export interface NativeData {
  /** madvise(MADV_HUGEPAGE) on the view's page-aligned interior; bytes advised (0: nothing done). */
  adviseHugePages(view: Uint8Array): number;
  /**
   * lstat of paths[from..to) on the thread pool: [3k] = kind (1 regular file, 0 other, -1 failed: ask
   * Node), [3k + 1] = size, [3k + 2] = mtimeMs (as Node computes it), k = i - from.
   */
  lstatFiles(paths: readonly (string | Buffer)[], from: number, to: number): Promise<Float64Array>;
  /** dst row i = src row rows[from + i] for i < count (rows of rowBytes bytes); every index checked first. */
  gatherRows(src: Uint8Array, rowBytes: number, rows: Uint32Array, from: number, count: number, dst: Uint8Array): void;
  /** out[at + k] = zlib's CRC-32 of row `row + k` of src (rows of rowBytes bytes), k < count. */
  crc32Rows(src: Uint8Array, rowBytes: number, row: number, count: number, out: Uint32Array, at: number): void;
}

let native: NativeData | null | undefined;

/** The native data functions, or null when the addon (or a version with them) is not there. */
export function nativeData(): NativeData | null {
  if (native !== undefined) return native;
  native = null;
  if (process.env.CATNET_BACKEND === 'reference') return native;
  try {
    const addon = loadAddon() as unknown as Partial<NativeData>;
    if (
      typeof addon.adviseHugePages === 'function' &&
      typeof addon.lstatFiles === 'function' &&
      typeof addon.gatherRows === 'function' &&
      typeof addon.crc32Rows === 'function'
    )
      native = addon as NativeData;
  } catch {
    // not built: the JS paths
  }
  return native;
}

/** Test hook: false = behave as without the addon (the JS paths), true = look it up again. */
export function useNativeData(enabled: boolean): void {
  native = enabled ? undefined : null;
}
