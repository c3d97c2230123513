// Step 3a of an import: does each listed file still match its cache entry (a regular file with the
// same size and mtime)? With the native addon the files are lstat()ed a slice at a time in one call
// (~2 us a file on the reference VM, where Node's lstatSync costs 5-40 us); without it, or when the
// native lstat cannot answer for a file, Node's lstatSync decides (cacheVerdict). Same verdicts.

import type { CacheEntry } from './cache.js';
import { cacheVerdict, type TaskResult } from './file-verdict.js';
import { nativeData } from './native-data.js';

/** Files lstat()ed per native call (about 1 ms). */
const SLICE = 512;

/** The verdict of a cache entry that still describes its file (same shape as cacheVerdict's). */
function cachedResult(entry: CacheEntry): TaskResult {
  const stat = { size: entry.size, mtimeMs: entry.mtimeMs };
  return entry.reason
    ? { reason: entry.reason, message: entry.message, fromCache: true, stat }
    : { hit: entry, fromCache: true, stat, crc: entry.crc };
}

/**
 * A checker for files `fsPaths`: check(i, entry) = the cached verdict of file i when `entry` still
 * describes it, else undefined (the file must be read). Fastest when called with increasing i.
 */
export function cacheChecker(
  fsPaths: readonly (string | Buffer)[],
): (i: number, entry: CacheEntry | undefined) => TaskResult | undefined {
  const native = nativeData();
  if (!native) return (i, entry) => cacheVerdict(entry, fsPaths[i]);
  const stats = new Float64Array(3 * SLICE);
  let from = 0;
  let to = 0;
  return (i, entry) => {
    if (!entry) return undefined;
    if (i < from || i >= to) {
      from = i;
      to = Math.min(fsPaths.length, i + SLICE);
      try {
        native.lstatFiles(fsPaths, from, to, stats);
      } catch {
        stats.fill(-1); // every file of the slice then asks Node
      }
    }
    const k = 3 * (i - from);
    const kind = stats[k];
    if (kind < 0) return cacheVerdict(entry, fsPaths[i]);
    if (kind !== 1 || stats[k + 1] !== entry.size || stats[k + 2] !== entry.mtimeMs) return undefined;
    return cachedResult(entry);
  };
}
