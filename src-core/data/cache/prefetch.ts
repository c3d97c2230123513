// Re-opening a folder: once the cache index is loaded, every listed file with an accepted entry will
// most likely be a hit, so its vector is read into its slot right away, in the background: runs of
// consecutive vectors, a chunk per read on the thread pool, each chunk checksummed on this thread as
// it arrives (while the next one is read and between the import's lstat slices). The fresh buffer's
// page faults, the copies and the CRC-32s then overlap the lstats instead of following them. The
// import only compares each hit's stored CRC with the one computed here (when its slot holds its
// vector) and reads whatever is left run by run.

import { promises as fsp } from 'node:fs';
import { crc32 } from 'node:zlib';
import { N_X } from '../../image-format.js';
import { nativeData } from '../native-data.js';
import { type LoadedCache, readRun, type VectorRun } from './cache-file.js';

/** Vectors per read (1.5 MB): a few reads for a small folder, and each CRC pass stays short. */
const CHUNK_VECTORS = 128;

/** Where the prefetch put what: slot i holds vector slotVector[i] (-1: nothing) whose CRC-32 is crcs[i]. */
export interface Prefetched {
  slotVector: Int32Array;
  crcs: Uint32Array;
}

export function emptyPrefetched(slots: number): Prefetched {
  return { slotVector: new Int32Array(slots).fill(-1), crcs: new Uint32Array(slots) };
}

/**
 * Reads `runs` (vectors of the cache `file` -> rows of `pixels`, m x N_X) chunk by chunk and records
 * each vector read in `into`. Stops at the first failure or once `signal` is aborted, keeping what
 * was read; never rejects. Nothing writes into `pixels` after the returned promise settles.
 */
export async function prefetchVectors(
  file: string,
  cache: LoadedCache,
  runs: readonly VectorRun[],
  pixels: Uint8Array,
  into: Prefetched,
  signal?: AbortSignal,
): Promise<void> {
  const chunks: VectorRun[] = [];
  for (const r of runs)
    for (let c = 0; c < r.count; c += CHUNK_VECTORS)
      chunks.push({ vector: r.vector + c, row: r.row + c, count: Math.min(CHUNK_VECTORS, r.count - c) });
  if (chunks.length === 0) return;
  const native = nativeData(); // its CRC-32 is 3-4x zlib's from JS (PCLMULQDQ, one call per chunk)
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(file, 'r');
    const { size } = await fh.stat();
    if (size !== cache.vectorsOffset + cache.vectors * N_X) return;
    const read = async (run: VectorRun) => {
      const { vector, row, count } = run;
      if (vector + count > cache.vectors || (row + count) * N_X > pixels.length) throw new RangeError('run outside');
      await readRun(fh!, cache, run, pixels);
    };
    let pending = read(chunks[0]);
    for (let c = 0; c < chunks.length; c++) {
      await pending;
      if (signal?.aborted) return;
      if (c + 1 < chunks.length) {
        pending = read(chunks[c + 1]); // read the next chunk while this one is checksummed
        pending.catch(() => {}); // awaited next turn; no unhandled rejection meanwhile
      }
      const { vector, row, count } = chunks[c];
      if (native) native.crc32Rows(pixels, N_X, row, count, into.crcs, row);
      else for (let i = row; i < row + count; i++) into.crcs[i] = crc32(pixels.subarray(i * N_X, (i + 1) * N_X));
      for (let k = 0; k < count; k++) into.slotVector[row + k] = vector + k;
    }
  } catch {
    // whatever was not recorded is read again by the import, run by run
  } finally {
    await fh?.close().catch(() => {});
  }
}
