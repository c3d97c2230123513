// Step 3a of an import: does each listed file still match its cache entry (a regular file with the
// same size and mtime)? With the native addon every file is lstat()ed in one job on the thread pool
// (the syscall's cost, where Node's lstatSync can cost several times that of the main thread on a
// virtual machine: figures in bench/README.md, "Machine figures behind design choices"), while
// this thread checksums the prefetched vectors; without it, or when the native lstat cannot answer
// for a file, Node's lstatSync decides (cacheVerdict). Same verdicts either way.

import { cachedResult, cacheVerdict, type TaskResult } from '../file-verdict.js';
import { nativeData } from '../native-data.js';
import type { CacheEntry } from './cache-file.js';

export type CacheCheck = (i: number, entry: CacheEntry | undefined) => TaskResult | undefined;

/**
 * A checker for files `fsPaths`: check(i, entry) = a fresh cached verdict of file i when `entry` still
 * describes it, else undefined (the file must be read). The native lstats start before this returns
 * its promise (call it, start other work, then await it).
 */
export async function cacheChecker(fsPaths: readonly (string | Buffer)[]): Promise<CacheCheck> {
  const native = nativeData();
  const fallback: CacheCheck = (i, entry) => cacheVerdict(entry, fsPaths[i]);
  if (!native || fsPaths.length === 0) return fallback;
  let stats: Float64Array;
  try {
    stats = await native.lstatFiles(fsPaths, 0, fsPaths.length);
  } catch {
    return fallback;
  }
  return (i, entry) => {
    if (!entry) return undefined;
    const kind = stats[3 * i];
    if (kind < 0) return cacheVerdict(entry, fsPaths[i]);
    if (kind !== 1 || stats[3 * i + 1] !== entry.size || stats[3 * i + 2] !== entry.mtimeMs) return undefined;
    return cachedResult(entry);
  };
}
