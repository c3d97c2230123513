// The stages of importFolders (import.ts) that stand on their own: scan the folders, open their
// cache indexes, report progress, save the caches. Each takes what it needs and appends problems
// to `warnings`; none throws for a problem with one file or folder.

import { promises as fsp } from 'node:fs';
import { N_X } from '../image-format.js';
import { cacheFileFor, type LoadedCache, loadCacheIndex, type SaveEntry, saveCache } from './cache/cache-file.js';
import { pruneCache, touchCacheFiles } from './cache/prune.js';
import type { TaskResult } from './file-verdict.js';
import { MAX_FILES, type ScannedFile, type ScanResult, scanFolder } from './folders.js';
import type { ImportOptions } from './import.js';

/** Largest Dataset one import builds (bytes); 349,525 images. */
export const MAX_DATASET_BYTES = 2 ** 32 - 1;

/** One folder's cache: its file (none: no cache) and what its index holds. */
export interface FolderCache {
  file?: string;
  loaded: LoadedCache;
}

/** One listed file: its folder (index into the scans) and the file. */
export interface ImportTask {
  folder: number;
  file: ScannedFile;
}

/** Scans the folders one after another, sharing the file budget (and a Dataset's 4 GB). */
export async function scanStage(options: ImportOptions, warnings: string[]): Promise<ScanResult[]> {
  let budget = Math.min(options.maxFiles ?? MAX_FILES, Math.floor(MAX_DATASET_BYTES / N_X));
  const scans: ScanResult[] = [];
  for (const f of options.folders) {
    const scan = await scanFolder(f.path, { maxFiles: Math.max(0, budget), signal: options.signal });
    budget -= scan.files.length;
    scans.push(scan);
    warnings.push(...scan.warnings);
  }
  return scans;
}

/** The cache folder (undefined when none or unusable) and each folder's cache index. */
export async function cacheIndexStage(
  cacheDir: string | undefined,
  scans: ScanResult[],
  optsKey: Buffer,
  warnings: string[],
): Promise<{ cacheDir: string | undefined; caches: FolderCache[] }> {
  if (cacheDir) {
    try {
      await fsp.mkdir(cacheDir, { recursive: true });
    } catch (err) {
      warnings.push(`Cannot use the cache folder ${cacheDir} (${(err as Error).message}): importing without it.`);
      cacheDir = undefined;
    }
  }
  const caches: FolderCache[] = [];
  for (const scan of scans) {
    if (!cacheDir || scan.files.length === 0) {
      caches.push({ loaded: { status: 'none', entries: new Map(), vectorsOffset: 0, vectors: 0 } });
      continue;
    }
    const file = cacheFileFor(cacheDir, scan.root, optsKey);
    const loaded = await loadCacheIndex(file, optsKey);
    if (loaded.status === 'corrupt')
      warnings.push(`The image cache for ${scan.folder} was damaged (${loaded.detail}); it was ignored and rebuilt.`);
    caches.push({ file, loaded });
  }
  return { cacheDir, caches };
}

/**
 * options.onProgress at most every progressMs (default 100; force: now), with the rate over roughly
 * the last two seconds. `done()` reads the count of finished files.
 */
export function progressReporter(
  options: ImportOptions,
  total: number,
  done: () => number,
): (folder: number, force: boolean) => void {
  const progressMs = options.progressMs ?? 100;
  let lastProgress = -Infinity;
  // (time ms, done) at each report, oldest first.
  const recent: [number, number][] = [[performance.now(), 0]];
  return (folder, force) => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < progressMs) return;
    lastProgress = now;
    while (recent.length > 1 && now - recent[1][0] >= 2000) recent.shift();
    const [t, d] = recent[0];
    recent.push([now, done()]);
    const rate = now > t ? ((done() - d) * 1000) / (now - t) : 0;
    options.onProgress({ done: done(), total, rate, folder: options.folders[folder].path });
  };
}

/**
 * Saves each folder's cache that changed (entries in scan order, vectors = the folder's rows, which
 * are contiguous after compaction), then touches the caches used and prunes old ones.
 */
export async function saveCacheStage(s: {
  cacheDir: string | undefined;
  caches: FolderCache[];
  scans: ScanResult[];
  tasks: ImportTask[];
  results: TaskResult[];
  pixels: Uint8Array;
  optsKey: Buffer;
  warnings: string[];
}): Promise<void> {
  const { caches, tasks, results, pixels } = s;
  for (let f = 0; f < s.scans.length; f++) {
    const cache = caches[f];
    if (!cache.file) continue;
    const entries: SaveEntry[] = [];
    let changed = cache.loaded.status !== 'loaded';
    let first = -1;
    let count = 0;
    tasks.forEach((t, i) => {
      if (t.folder !== f) return;
      const r = results[i];
      if (!r.fromCache) changed = true;
      if (!r.stat) return;
      const key = t.file.rel;
      if (r.row !== undefined) {
        if (first < 0) first = r.row;
        count++;
        entries.push({ key, ...r.stat, crc: r.crc });
      } else if (r.reason) entries.push({ key, ...r.stat, reason: r.reason, message: r.message });
    });
    if (entries.length !== cache.loaded.entries.size) changed = true;
    if (!changed) continue;
    try {
      await saveCache(
        cache.file,
        s.optsKey,
        entries,
        pixels.subarray(Math.max(0, first) * N_X, (Math.max(0, first) + count) * N_X),
      );
    } catch (err) {
      s.warnings.push(`Could not write the image cache for ${s.scans[f].folder} (${(err as Error).message}).`);
    }
  }
  if (s.cacheDir) {
    await touchCacheFiles(caches.flatMap((c) => (c.file && c.loaded.status === 'loaded' ? [c.file] : [])));
    await pruneCache(s.cacheDir);
  }
}
