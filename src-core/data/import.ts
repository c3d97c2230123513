// Folders in, Dataset + report out: scan every folder, take each file from the cache or decode it
// (a bounded parallel queue keeps sharp's thread pool busy on every core), never stop for one bad
// file, then flag duplicates and imbalance. Cancelling (the signal) rejects with the signal's reason.

import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ResizeMode } from '../nn/model.js';
import {
  type CacheEntry,
  type CacheLoadStatus,
  cacheFileFor,
  loadCache,
  optionsKey,
  relKey,
  saveCache,
} from './cache.js';
import { Dataset } from './dataset.js';
import { findDuplicates } from './duplicates.js';
import { MAX_FILES, type ScanResult, scanFolder } from './folders.js';
import { MAX_FILE_BYTES, MAX_PIXELS, preprocessImage, readImageBytes } from './images.js';
import { CONTENT_REASONS, fsErrorMessage, ImageRejected, reasonForFsError } from './reasons.js';
import type { FileOutcome, FolderSummary, ImportReport, SkippedFile } from './report.js';

export interface ImportProgress {
  done: number;
  total: number;
  /** Files per second since the first file. */
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
  /** Called at most every `progressMs` and once at the end. */
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
}

interface Task {
  folder: number;
  file: ScanResult['files'][number];
}

interface TaskResult {
  vector?: Uint8Array;
  reason?: ImageRejected['reason'];
  message?: string;
  fromCache: boolean;
  /** What to store in the folder's new cache (absent: nothing cacheable). */
  entry?: CacheEntry;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The import was cancelled', 'AbortError');
}

/** Imports the folders (label 1 = positive). Throws only when cancelled; every file problem is reported. */
export async function importFolders(options: ImportOptions): Promise<{ dataset: Dataset; report: ImportReport }> {
  const t0 = performance.now();
  const { signal } = options;
  const resize = options.resize ?? 'cover';
  const maxPixels = options.maxPixels ?? MAX_PIXELS;
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  const warnings: string[] = [];
  if (signal?.aborted) throw abortError(signal);

  // 1. Scan (sequentially, sharing the file budget).
  let budget = options.maxFiles ?? MAX_FILES;
  const scans: ScanResult[] = [];
  for (const f of options.folders) {
    const scan = await scanFolder(f.path, { maxFiles: Math.max(0, budget), signal });
    budget -= scan.files.length;
    scans.push(scan);
    warnings.push(...scan.warnings);
  }

  // 2. Caches, one per folder.
  const optsKey = optionsKey({ resize, maxPixels, maxBytes });
  const caches: { file?: string; status: CacheLoadStatus | 'off'; old: Map<string, CacheEntry> }[] = [];
  if (options.cacheDir) {
    try {
      await fsp.mkdir(options.cacheDir, { recursive: true });
    } catch (err) {
      warnings.push(
        `Cannot use the cache folder ${options.cacheDir} (${(err as Error).message}): importing without it.`,
      );
    }
  }
  for (const scan of scans) {
    if (!options.cacheDir || scan.files.length === 0) {
      caches.push({ status: 'off', old: new Map() });
      continue;
    }
    const file = cacheFileFor(options.cacheDir, scan.root, optsKey);
    const loaded = await loadCache(file, optsKey);
    if (loaded.status === 'corrupt')
      warnings.push(`The image cache for ${scan.folder} was damaged (${loaded.detail}); it was ignored and rebuilt.`);
    caches.push({ file, status: loaded.status, old: loaded.entries });
  }

  // 3. Every file: from cache or decoded, in a bounded parallel queue; results kept in scan order.
  const tasks: Task[] = [];
  scans.forEach((scan, folder) => {
    for (const file of scan.files) tasks.push({ folder, file });
  });
  const results: TaskResult[] = new Array(tasks.length);
  const total = tasks.length;
  const progressMs = options.progressMs ?? 100;
  let done = 0;
  let lastProgress = -Infinity;
  const tStart = performance.now();
  const report = (folder: number, force: boolean) => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < progressMs) return;
    lastProgress = now;
    const seconds = (now - tStart) / 1000;
    options.onProgress({ done, total, rate: seconds > 0 ? done / seconds : 0, folder: options.folders[folder].path });
  };

  const processOne = async (task: Task): Promise<TaskResult> => {
    const cache = caches[task.folder];
    const key = relKey(task.file.rel);
    const cached = cache.old.get(key);
    if (cached) {
      try {
        const st = await fsp.lstat(task.file.fsPath);
        if (st.isFile() && st.size === cached.size && st.mtimeMs === cached.mtimeMs)
          return {
            vector: cached.vector,
            reason: cached.reason,
            message: cached.message,
            fromCache: true,
            entry: cached,
          };
      } catch {
        // fall through: reading the file reports the problem precisely
      }
    }
    let size = 0;
    let mtimeMs = 0;
    try {
      const read = await readImageBytes(task.file.fsPath, { maxBytes, followSymlinks: false });
      size = read.size;
      mtimeMs = read.mtimeMs;
      const vector = await preprocessImage(read.bytes, { resize, maxPixels });
      return { vector, fromCache: false, entry: { size, mtimeMs, vector } };
    } catch (err) {
      if (err instanceof ImageRejected) {
        const stat = err.file ?? (size > 0 ? { size, mtimeMs } : undefined);
        const cacheable = CONTENT_REASONS.has(err.reason) && stat !== undefined;
        return {
          reason: err.reason,
          message: err.message,
          fromCache: false,
          entry: cacheable ? { ...stat!, reason: err.reason, message: err.message } : undefined,
        };
      }
      const reason = reasonForFsError(err) ?? 'unreadable';
      return { reason, message: fsErrorMessage(reason, err), fromCache: false };
    }
  };

  let next = 0;
  let aborted = false;
  const worker = async () => {
    while (next < tasks.length && !aborted) {
      if (signal?.aborted) {
        aborted = true;
        return;
      }
      const i = next++;
      results[i] = await processOne(tasks[i]);
      done++;
      report(tasks[i].folder, false);
    }
  };
  const concurrency = options.concurrency ?? Math.max(4, 2 * availableParallelism());
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, tasks.length)) }, worker));
  if (aborted || signal?.aborted) throw abortError(signal!);
  if (total > 0) report(tasks[tasks.length - 1].folder, true);

  // 4. Save caches that changed (new decodes, vanished files, or none/corrupt before).
  for (let f = 0; f < scans.length; f++) {
    const cache = caches[f];
    if (!cache.file) continue;
    const fresh = new Map<string, CacheEntry>();
    let changed = cache.status !== 'loaded';
    tasks.forEach((t, i) => {
      if (t.folder !== f) return;
      const e = results[i].entry;
      if (e) fresh.set(relKey(t.file.rel), e);
      if (!results[i].fromCache) changed = true;
    });
    if (fresh.size !== cache.old.size) changed = true;
    if (!changed) continue;
    try {
      await saveCache(cache.file, optsKey, fresh);
    } catch (err) {
      warnings.push(`Could not write the image cache for ${scans[f].folder} (${(err as Error).message}).`);
    }
  }

  // 5. Dataset, outcomes, duplicates.
  const files: FileOutcome[] = [];
  const skipped: SkippedFile[] = [];
  const vectors: Uint8Array[] = [];
  const labels: number[] = [];
  const paths: string[] = [];
  const folders: FolderSummary[] = scans.map((s, f) => ({
    path: options.folders[f].path,
    root: s.root,
    label: options.folders[f].label,
    files: s.files.length,
    accepted: 0,
    skipped: 0,
    fromCache: 0,
    capped: s.capped,
    cache: caches[f].status,
  }));
  let fromCache = 0;
  const skip = (f: number, path: string, reason: ImageRejected['reason'], message: string) => {
    const label = options.folders[f].label;
    const folder = options.folders[f].path;
    skipped.push({ path, folder, label, reason, message });
    files.push({ path, folder, label, accepted: false, reason, message, fromCache: false });
    folders[f].skipped++;
  };
  scans.forEach((scan, f) => {
    for (const s of scan.skipped) skip(f, s.path, s.reason, s.message);
  });
  tasks.forEach((t, i) => {
    const r = results[i];
    const { label, path: folder } = options.folders[t.folder];
    if (r.vector) {
      files.push({ path: t.file.path, folder, label, accepted: true, row: vectors.length, fromCache: r.fromCache });
      vectors.push(r.vector);
      labels.push(label);
      paths.push(t.file.path);
      folders[t.folder].accepted++;
      if (r.fromCache) {
        folders[t.folder].fromCache++;
        fromCache++;
      }
    } else {
      skip(t.folder, t.file.path, r.reason ?? 'unreadable', r.message ?? 'unknown problem');
      files[files.length - 1].fromCache = r.fromCache;
    }
  });
  const dataset = Dataset.fromVectors(vectors, labels, paths);
  const dup = findDuplicates(dataset);
  const duplicates = dup.groups.map((g) => g.map((i) => paths[i]));
  const inBothClasses = dup.inBothClasses.map((i) => paths[i]);
  if (inBothClasses.length > 0)
    warnings.push(
      `${inBothClasses.length} images appear in both classes (identical pixels), e.g. ${inBothClasses[0]}: ` +
        'remove them from one folder.',
    );
  if (options.folders.some((f) => f.label === 1) && options.folders.some((f) => f.label === 0)) {
    const w = dataset.imbalanceWarning(options.classNames);
    if (w) warnings.push(w);
  }
  const reasons: ImportReport['reasons'] = {};
  for (const s of skipped) reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
  return {
    dataset,
    report: {
      files,
      accepted: dataset.m,
      skipped,
      reasons,
      duplicates,
      inBothClasses,
      folders,
      seconds: (performance.now() - t0) / 1000,
      fromCache,
      warnings,
    },
  };
}
