// Folders in, Dataset + report out: scan every folder, take each file from the cache or decode it
// (a bounded parallel queue keeps sharp's thread pool busy on every core), never stop for one bad
// file, then flag duplicates and imbalance. Cancelling (the signal) rejects with the signal's reason.
// Cached vectors are read from the cache file straight into the Dataset's shared buffer.

import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { crc32 } from 'node:zlib';
import { N_X, type ResizeMode } from '../image-format.js';
import {
  cacheFileFor,
  type LoadedCache,
  loadCacheIndex,
  optionsKey,
  readCachedVectors,
  type SaveEntry,
  saveCache,
  type VectorRun,
} from './cache.js';
import { cacheChecker } from './cache-check.js';
import { emptyPrefetched, prefetchVectors } from './cache-prefetch.js';
import { pruneCache, touchCacheFiles } from './cache-prune.js';
import { Dataset } from './dataset.js';
import { DecodeProcess, decodeIntoIsolated } from './decode-process.js';
import { findDuplicates } from './duplicates.js';
import { decodeInto, type TaskResult } from './file-verdict.js';
import { MAX_FILES, type ScanResult, scanFolder } from './folders.js';
import { MAX_FILE_BYTES, MAX_PIXELS } from './images.js';
import { abortError, eventLoopBreather } from './parallel.js';
import { sharedPixels } from './pixel-memory.js';
import type { ImportReport } from './report.js';
import { buildReport } from './report-builder.js';

export type { TaskResult };

export interface ImportProgress {
  done: number;
  total: number;
  /** Files per second over about the last two seconds. */
  rate: number;
  /** The folder (as given) of the file just finished. */
  folder: string;
}

export interface ImportOptions {
  folders: { path: string; label: 0 | 1 }[];
  resize?: ResizeMode;
  /** Folder for the vector cache (created if missing); none = no cache. */
  cacheDir?: string;
  signal?: AbortSignal;
  /** Called at most every `progressMs` (default 100) and once at the end. */
  onProgress?: (p: ImportProgress) => void;
  progressMs?: number;
  /** Cap on files listed over all folders (default MAX_FILES). */
  maxFiles?: number;
  maxPixels?: number;
  maxBytes?: number;
  /** Files decoded at once (default 2 x cores, at least 4). */
  concurrency?: number;
  /** [positive, negative], for the imbalance warning. */
  classNames?: [string, string];
  /**
   * Decode in the decode process (decode-process.ts), so a decoder crash skips one file instead of
   * ending this process: the app does. Default false (CLI, tests, bench: in this process). Ignored
   * when dist/core/decode-child.mjs is not built.
   */
  isolate?: boolean;
}

interface FolderCache {
  file?: string;
  loaded: LoadedCache;
}

/** Largest Dataset one import builds (bytes); 349,525 images. */
const MAX_DATASET_BYTES = 2 ** 32 - 1;

/** Shared, zero-filled (m, n_x) bytes (huge pages asked for); a person-readable error when the memory is not there. */
function allocatePixels(m: number): Uint8Array {
  try {
    return sharedPixels(m * N_X);
  } catch (err) {
    throw new Error(
      `Not enough memory for ${m.toLocaleString('en')} images (${((m * N_X) / 2 ** 30).toFixed(1)} GB of pixels): ` +
        `import fewer images at once (${(err as Error).message}).`,
    );
  }
}

/** Appends vector -> row to `runs`, extending the last run when both follow on from it. */
function addToRuns(runs: VectorRun[], vector: number, row: number): void {
  const last = runs[runs.length - 1];
  if (last && last.vector + last.count === vector && last.row + last.count === row) last.count++;
  else runs.push({ vector, row, count: 1 });
}

/** Imports the folders (label 1 = positive). Throws only when cancelled; every file problem is reported. */
export async function importFolders(options: ImportOptions): Promise<{ dataset: Dataset; report: ImportReport }> {
  const t0 = performance.now();
  const { signal } = options;
  const resize = options.resize ?? 'cover';
  const maxPixels = options.maxPixels ?? MAX_PIXELS;
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  const concurrency = options.concurrency ?? Math.max(4, 2 * availableParallelism());
  const warnings: string[] = [];
  const phases: Record<string, number> = {};
  let tPhase = t0;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = (now - tPhase) / 1000;
    tPhase = now;
  };
  if (signal?.aborted) throw abortError(signal);
  const breathe = eventLoopBreather(8);
  const decodeFiles: typeof decodeInto =
    options.isolate && DecodeProcess.available()
      ? (paths, rows, pixels, opts, _concurrency, onResult, sig) =>
          decodeIntoIsolated(paths, rows, pixels, opts, onResult, sig)
      : decodeInto;

  // 1. Scan (sequentially, sharing the file budget).
  // A Dataset lives in one SharedArrayBuffer: keep it under 4 GB whatever maxFiles says.
  let budget = Math.min(options.maxFiles ?? MAX_FILES, Math.floor(MAX_DATASET_BYTES / N_X));
  const scans: ScanResult[] = [];
  for (const f of options.folders) {
    const scan = await scanFolder(f.path, { maxFiles: Math.max(0, budget), signal });
    budget -= scan.files.length;
    scans.push(scan);
    warnings.push(...scan.warnings);
  }

  phase('scan');

  // 2. Cache indexes, one per folder.
  const optsKey = optionsKey({ resize, maxPixels, maxBytes });
  let cacheDir = options.cacheDir;
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

  phase('cacheIndex');

  // 3. Every file: a cache hit (checked by size and mtime) or decoded; results kept in scan order.
  const tasks = scans.flatMap((scan, folder) => scan.files.map((file) => ({ folder, file })));
  const results: TaskResult[] = new Array(tasks.length);
  const total = tasks.length;
  const progressMs = options.progressMs ?? 100;
  let done = 0;
  let lastProgress = -Infinity;
  // Rate over roughly the last two seconds: (time ms, done) at each report, oldest first.
  const recent: [number, number][] = [[performance.now(), 0]];
  const progress = (folder: number, force: boolean) => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < progressMs) return;
    lastProgress = now;
    while (recent.length > 1 && now - recent[1][0] >= 2000) recent.shift();
    const [t, d] = recent[0];
    recent.push([now, done]);
    const rate = now > t ? ((done - d) * 1000) / (now - t) : 0;
    options.onProgress({ done, total, rate, folder: options.folders[folder].path });
  };
  // Every task owns the slot `i` of a shared buffer sized for all of them (pages never written cost no
  // memory); accepted slots are compacted into rows at the end, so decoded vectors are copied once and
  // dropped at once, and peak memory stays about one Dataset.
  let pixels = allocatePixels(total);

  // 3. (in the background) Every file is lstat()ed (natively: one job on the thread pool), and every
  // file with an accepted cache entry will most likely be a hit: its vector is read into its slot and
  // checksummed now, while the lstats run (cache-check.ts, cache-prefetch.ts).
  const anyEntries = caches.some((c) => c.loaded.entries.size > 0);
  const checking = cacheChecker(anyEntries ? tasks.map((t) => t.file.fsPath) : []);
  const entryOf = tasks.map((t) => caches[t.folder].loaded.entries.get(t.file.rel));
  const prefetched = emptyPrefetched(total);
  const prefetch = Promise.all(
    caches.map((c, f) => {
      if (!c.file || c.loaded.status !== 'loaded') return undefined;
      const runs: VectorRun[] = [];
      tasks.forEach((t, i) => {
        const k = entryOf[i]?.vector;
        if (t.folder === f && k !== undefined) addToRuns(runs, k, i);
      });
      return prefetchVectors(c.file, c.loaded, runs, pixels, prefetched, signal);
    }),
  );
  /** Whether slot i holds cached vector k, checksummed (its CRC in prefetched.crcs[i]). */
  const inSlot = (i: number, k: number) => prefetched.slotVector[i] === k;

  // 3a. Cache hits: without the addon a synchronous lstat each (a few microseconds, far cheaper than a
  // thread-pool round trip), in slices of at most ~8 ms so the event loop keeps turning.
  const misses: number[] = [];
  const check = await checking;
  for (let i = 0; i < tasks.length; ) {
    const sliceStart = performance.now();
    for (; i < tasks.length && performance.now() - sliceStart < 8; i++) {
      const { folder } = tasks[i];
      const hit = check(i, entryOf[i]);
      if (!hit) {
        misses.push(i);
        continue;
      }
      hit.row = hit.hit ? i : undefined; // a fresh object (cacheChecker)
      results[i] = hit;
      done++;
      progress(folder, false);
    }
    if (signal?.aborted) {
      await prefetch; // its writes into `pixels` end before the import does (it never rejects)
      throw abortError(signal);
    }
    if (i < tasks.length) await new Promise((resolve) => setImmediate(resolve));
  }
  // Decoded vectors go into the slots the prefetch may still be writing: wait for it first.
  await prefetch;
  phase('cacheCheck');
  // 3b. Everything else is read and decoded into its slot, `concurrency` jobs at a time (plain JPEGs
  // in batches, one thread-pool job each: see decodeInto).
  await decodeFiles(
    misses.map((i) => tasks[i].file.fsPath),
    misses,
    pixels,
    { resize, maxPixels, maxBytes },
    concurrency,
    (k, r) => {
      const i = misses[k];
      results[i] = r;
      done++;
      progress(tasks[i].folder, false);
    },
    signal,
  );
  phase('decode');
  if (total > 0) progress(tasks[total - 1].folder, true);

  // 4. Cached vectors not already in their slots read straight there, each checked against its CRC.
  const damaged = new Set<number>();
  for (let f = 0; f < scans.length; f++) {
    const runs: VectorRun[] = [];
    const hits: TaskResult[] = [];
    tasks.forEach((t, i) => {
      const r = results[i];
      if (t.folder !== f || !r.hit) return;
      hits.push(r);
      if (!inSlot(i, r.hit.vector!)) addToRuns(runs, r.hit.vector!, r.row!); // else read and checksummed by the prefetch
    });
    let readOk = true;
    try {
      await readCachedVectors(caches[f].file!, caches[f].loaded, runs, pixels);
    } catch {
      readOk = false;
    }
    for (const r of hits) {
      const i = r.row!;
      const crc = inSlot(i, r.hit!.vector!) ? prefetched.crcs[i] : crc32(pixels.subarray(i * N_X, (i + 1) * N_X));
      if (!readOk || crc !== r.hit!.crc) damaged.add(f);
      const pause = breathe();
      if (pause) await pause;
    }
  }
  // A damaged vector block: decode that folder's hits again (rare; the cache is then rewritten).
  for (const f of damaged) {
    warnings.push(`The image cache for ${scans[f].folder} was damaged (a vector failed its checksum); it was rebuilt.`);
    caches[f].loaded.status = 'corrupt';
    const redo = tasks.map((_t, i) => i).filter((i) => tasks[i].folder === f && results[i].hit);
    await decodeFiles(
      redo.map((i) => tasks[i].file.fsPath),
      redo,
      pixels,
      { resize, maxPixels, maxBytes },
      concurrency,
      (k, r) => {
        results[redo[k]] = r;
      },
      signal,
    );
  }
  // Slots -> rows: close the gaps left by skipped files, keeping scan order.
  let m = 0;
  for (const r of results)
    if (r.row !== undefined) {
      if (r.row !== m) pixels.copyWithin(m * N_X, r.row * N_X, (r.row + 1) * N_X);
      r.row = m++;
      const pause = breathe();
      if (pause) await pause;
    }
  pixels = pixels.subarray(0, m * N_X);

  phase('readCache');

  // 5. Save the caches that changed: entries in scan order, vectors = the folder's rows (contiguous).
  for (let f = 0; f < scans.length; f++) {
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
        optsKey,
        entries,
        pixels.subarray(Math.max(0, first) * N_X, (Math.max(0, first) + count) * N_X),
      );
    } catch (err) {
      warnings.push(`Could not write the image cache for ${scans[f].folder} (${(err as Error).message}).`);
    }
  }

  if (cacheDir) {
    await touchCacheFiles(caches.flatMap((c) => (c.file && c.loaded.status === 'loaded' ? [c.file] : [])));
    await pruneCache(cacheDir);
  }
  phase('saveCache');

  // 6. Dataset, outcomes, duplicates, warnings.
  const labels = new Uint8Array(m);
  const paths: string[] = new Array(m);
  const hashes = new Uint32Array(m);
  tasks.forEach((t, i) => {
    const r = results[i];
    if (r.row === undefined) return;
    labels[r.row] = options.folders[t.folder].label;
    paths[r.row] = t.file.path;
    hashes[r.row] = r.crc!;
  });
  const dataset = new Dataset(pixels, labels, paths);
  const duplicates = findDuplicates(dataset, hashes);
  const report = buildReport({
    folders: options.folders,
    scans,
    tasks,
    results,
    cacheStatus: caches.map((c) => (c.file ? c.loaded.status : 'off')),
    dataset,
    duplicates,
    warnings,
    classNames: options.classNames,
    seconds: (performance.now() - t0) / 1000,
    phases,
  });
  phase('report');
  return { dataset, report };
}
