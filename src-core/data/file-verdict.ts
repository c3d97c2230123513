// One listed file's verdict: from its cache entry (when size and mtime still match) or by reading and
// decoding it. Never throws: every problem becomes a reason and a message.

import { lstatSync, type Stats } from 'node:fs';
import { crc32 } from 'node:zlib';
import { N_X, type ResizeMode } from '../image-format.js';
import { type CacheEntry, isCacheableReason } from './cache/cache-file.js';
import { preprocessImage, readImageBytes } from './images.js';
import { decodeFilesFast } from './jpeg-fast.js';
import { forEachParallel } from './parallel.js';
import { fsErrorMessage, ImageRejected, type RejectReason, reasonForFsError } from './reasons.js';

/** What happened to one listed file. */
export interface TaskResult {
  /** Accepted and decoded now: its vector (until it is copied into the Dataset). */
  vector?: Uint8Array;
  /** Accepted from the cache: its entry (vector number and CRC). */
  hit?: CacheEntry;
  reason?: RejectReason;
  message?: string;
  fromCache: boolean;
  /** Size and mtime the verdict belongs to (absent: verdict not cacheable). */
  stat?: { size: number; mtimeMs: number };
  /** Row in the Dataset (accepted only; first the task's slot, then compacted), and that row's CRC-32. */
  row?: number;
  crc?: number;
}

/** lstat, or undefined for any failure (the decode path then reports the problem precisely). */
function statIfPossible(path: string | Buffer): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * The cached verdict when `entry` still describes the file (regular file, same size and mtime), else
 * undefined. A synchronous lstat: a few microseconds, far cheaper than a thread-pool round trip.
 */
export function cacheVerdict(entry: CacheEntry | undefined, fsPath: string | Buffer): TaskResult | undefined {
  if (!entry) return undefined;
  const st = statIfPossible(fsPath);
  if (!st?.isFile() || st.size !== entry.size || st.mtimeMs !== entry.mtimeMs) return undefined;
  return cachedResult(entry);
}

/** The verdict of a cache entry that still describes its file (a fresh object each call). */
export function cachedResult(entry: CacheEntry): TaskResult {
  const stat = { size: entry.size, mtimeMs: entry.mtimeMs };
  return entry.reason
    ? { reason: entry.reason, message: entry.message, fromCache: true, stat }
    : { hit: entry, fromCache: true, stat, crc: entry.crc };
}

/** How files are decoded: preprocessing, limits, and whether a symlink is read (default: refused). */
export interface DecodeOptions {
  resize: ResizeMode;
  maxPixels: number;
  maxBytes: number;
  /** true: a path that is a symlink is read through it (files named by the user); default false (folder imports). */
  followSymlinks?: boolean;
}

/**
 * Reads (regular files only; symlinks as opts says) and preprocesses one file on the general path:
 * for files the batched fast path has just handed over, or every file when it is off.
 */
async function decodeGeneral(fsPath: string | Buffer, opts: DecodeOptions): Promise<TaskResult> {
  let stat: TaskResult['stat'];
  try {
    const read = await readImageBytes(fsPath, {
      maxBytes: opts.maxBytes,
      followSymlinks: opts.followSymlinks ?? false,
    });
    stat = { size: read.size, mtimeMs: read.mtimeMs };
    const vector = await preprocessImage(read.bytes, { resize: opts.resize, maxPixels: opts.maxPixels });
    return { vector, fromCache: false, stat, crc: crc32(vector) };
  } catch (err) {
    if (err instanceof ImageRejected) {
      const s = err.file ?? stat;
      return {
        reason: err.reason,
        message: err.message,
        fromCache: false,
        stat: isCacheableReason(err.reason) && !err.uncacheable ? s : undefined,
      };
    }
    const reason: RejectReason = reasonForFsError(err) ?? 'unreadable';
    return { reason, message: fsErrorMessage(reason, err), fromCache: false };
  }
}

/**
 * Decodes files into `pixels` (file k into row rows[k], 12,288 bytes each) with at most `concurrency`
 * jobs in flight, calling onResult(k, result) as each file is done (result.row = rows[k] when it was
 * accepted; its vector is already in pixels). Plain JPEGs go in batches through the fast path (one
 * thread-pool job per batch, written straight into pixels); every file it hands over, and everything
 * when it is off, through decodeGeneral one by one. Once `signal` is aborted nothing more is started or
 * reported, and it rejects like forEachParallel.
 */
export async function decodeInto(
  fsPaths: readonly (string | Buffer)[],
  rows: readonly number[],
  pixels: Uint8Array,
  opts: DecodeOptions,
  concurrency: number,
  onResult: (k: number, result: TaskResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  const n = fsPaths.length;
  // Batches of up to 8, but small enough that a small import still spreads over every thread.
  const batch = Math.max(1, Math.min(8, Math.ceil(n / (4 * concurrency))));
  const general = async (k: number) => {
    const r = await decodeGeneral(fsPaths[k], opts);
    if (r.vector) {
      pixels.set(r.vector, rows[k] * N_X);
      r.vector = undefined;
      r.row = rows[k];
    }
    onResult(k, r);
  };
  await forEachParallel(
    Math.ceil(n / batch),
    concurrency,
    async (c) => {
      const ks = Array.from({ length: Math.min(batch, n - c * batch) }, (_, j) => c * batch + j);
      const fast = await decodeFilesFast(
        ks.map((k) => fsPaths[k]),
        Uint32Array.from(ks, (k) => rows[k]),
        pixels,
        opts.resize,
        opts.maxPixels,
        opts.maxBytes,
      );
      for (const [j, k] of ks.entries()) {
        if (signal?.aborted) return; // nothing more is reported once cancelled
        const stat = fast?.[j];
        if (!stat) await general(k);
        else if ('rejected' in stat) {
          // too big for the decode budget: not cached (the same file may fit a larger budget)
          const { reason, message } = stat.rejected;
          onResult(k, { reason, message, fromCache: false });
        } else {
          const row = rows[k];
          onResult(k, { fromCache: false, stat, row, crc: crc32(pixels.subarray(row * N_X, (row + 1) * N_X)) });
        }
      }
    },
    signal,
  );
}
