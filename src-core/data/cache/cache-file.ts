// On-disk cache of preprocessed vectors, one file per (folder, preprocessing options), so re-opening
// a folder reads 12 KB per image instead of decoding it. Entries are keyed by the file's path relative
// to the folder, its size and mtime; content verdicts (not an image, corrupt, ...) are cached too.
// Nothing in a cache file is trusted: the header, the index (CRC-32) and every vector (its own CRC-32)
// are checked, and anything wrong means "decode again". Writes are atomic (temp file + rename).
//
// File layout (little-endian):
//   header (64 bytes): magic "CNVCACHE" | version u32 | entries u32 | vectors u32 | options sha1 (20) |
//                      index length u32 | index crc32 u32 | file length f64 | 4 reserved
//   index: per entry: relLen u32 | key (ScannedFile.rel, utf8) | size f64 | mtimeMs f64 | status u8 | msgLen u16 |
//          msg utf8 | (status 0 only) vector number u32 | vector crc32 u32
//   vectors: `vectors` x 12,288 bytes, in index order, contiguous (read straight into a Dataset)

import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { N_X } from '../../image-format.js';
import { JPEG_FAST_VERSION, jpegDecoderInfo } from '../jpeg-fast.js';
import type { RejectReason } from '../reasons.js';

const MAGIC = Buffer.from('CNVCACHE', 'latin1');
const VERSION = 2;
const HEADER = 64;
/** Index larger than this is not a cache we wrote (1M entries of long paths). */
const MAX_INDEX_BYTES = 1 << 30;
/** status byte: 0 = accepted, k = CACHED_REASONS[k - 1]. */
const CACHED_REASONS: RejectReason[] = [
  'empty',
  'not-an-image',
  'unsupported-format',
  'corrupt',
  'too-many-pixels',
  'too-large',
];

/** A cached verdict on one file: accepted (vector `vector` of the file, with its CRC) or a reason. */
export interface CacheEntry {
  size: number;
  mtimeMs: number;
  /** Accepted: index of its vector in the file's vector block, and that vector's CRC-32. */
  vector?: number;
  crc?: number;
  reason?: RejectReason;
  message?: string;
}

export type CacheLoadStatus = 'none' | 'loaded' | 'corrupt' | 'stale-options';

export interface LoadedCache {
  status: CacheLoadStatus;
  entries: Map<string, CacheEntry>;
  /** Where the vector block starts in the file, and how many vectors it holds. */
  vectorsOffset: number;
  vectors: number;
  detail?: string;
}

/** What decides the vectors besides the file: preprocessing options and the decoder's version. */
export function optionsKey(opts: Record<string, unknown>): Buffer {
  const v = sharp.versions as Record<string, string | undefined>;
  // The JPEG decoder is part of the key: the fast path's box filter and sharp's Lanczos differ by a few levels.
  const jpeg = jpegDecoderInfo().decoder === 'sharp' ? 'sharp' : `jpeg64-v${JPEG_FAST_VERSION}`;
  const canon = JSON.stringify({ ...opts, sharp: v.sharp, vips: v.vips, jpeg, layout: 'hwc-srgb8-v1' });
  return createHash('sha1').update(canon).digest();
}

/** The cache file of a folder (by its real path) under `cacheDir`. */
export function cacheFileFor(cacheDir: string, root: string, optsKey: Buffer): string {
  const id = createHash('sha1').update(root).update('\0').update(optsKey).digest('hex').slice(0, 32);
  return join(cacheDir, `vectors-${id}.cnvc`);
}

/** Whether a verdict may be cached (it depends only on the bytes). */
export function isCacheableReason(reason: RejectReason): boolean {
  return CACHED_REASONS.includes(reason);
}

function empty(status: CacheLoadStatus, detail?: string): LoadedCache {
  return { status, entries: new Map(), vectorsOffset: 0, vectors: 0, detail };
}

/**
 * Reads a cache file's header and index (not the vectors). Missing: 'none'. Anything inconsistent
 * (magic, version, length, index CRC, an entry past the end): 'corrupt' with no entries.
 */
export async function loadCacheIndex(file: string, optsKey: Buffer): Promise<LoadedCache> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return empty('none');
    return empty('corrupt', `cannot read it (${(err as Error).message})`);
  }
  try {
    const { size: fileLength } = await fh.stat();
    const header = Buffer.alloc(HEADER);
    const { bytesRead } = await fh.read(header, 0, HEADER, 0);
    if (bytesRead < HEADER || !header.subarray(0, 8).equals(MAGIC)) return empty('corrupt', 'not a catnet cache file');
    if (header.readUInt32LE(8) !== VERSION)
      return empty('corrupt', `version ${header.readUInt32LE(8)}, expected ${VERSION}`);
    const count = header.readUInt32LE(12);
    const vectors = header.readUInt32LE(16);
    if (!header.subarray(20, 40).equals(optsKey)) return empty('stale-options');
    const indexLength = header.readUInt32LE(40);
    const indexCrc = header.readUInt32LE(44);
    const declared = header.readDoubleLE(48);
    if (indexLength > MAX_INDEX_BYTES || declared !== HEADER + indexLength + vectors * N_X || declared !== fileLength)
      return empty('corrupt', `length ${fileLength} does not match its header`);
    const index = Buffer.alloc(indexLength);
    if ((await fh.read(index, 0, indexLength, HEADER)).bytesRead !== indexLength)
      return empty('corrupt', 'the index is truncated');
    if (crc32(index) !== indexCrc) return empty('corrupt', 'index checksum mismatch');
    const entries = new Map<string, CacheEntry>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 4 > indexLength) return empty('corrupt', 'an entry runs past the index');
      const relLen = index.readUInt32LE(p);
      p += 4;
      if (p + relLen + 19 > indexLength) return empty('corrupt', 'an entry runs past the index');
      const key = index.toString('utf8', p, p + relLen);
      p += relLen;
      const size = index.readDoubleLE(p);
      const mtimeMs = index.readDoubleLE(p + 8);
      const status = index[p + 16];
      const msgLen = index.readUInt16LE(p + 17);
      p += 19;
      if (p + msgLen > indexLength) return empty('corrupt', 'an entry runs past the index');
      const message = msgLen > 0 ? index.toString('utf8', p, p + msgLen) : undefined;
      p += msgLen;
      if (status === 0) {
        if (p + 8 > indexLength) return empty('corrupt', 'an entry runs past the index');
        const vector = index.readUInt32LE(p);
        const crc = index.readUInt32LE(p + 4);
        p += 8;
        if (vector >= vectors) return empty('corrupt', `vector ${vector} outside the ${vectors} stored`);
        entries.set(key, { size, mtimeMs, vector, crc });
      } else {
        const reason = CACHED_REASONS[status - 1];
        if (!reason) return empty('corrupt', `unknown status ${status}`);
        entries.set(key, { size, mtimeMs, reason, message });
      }
    }
    if (p !== indexLength) return empty('corrupt', 'trailing bytes in the index');
    return { status: 'loaded', entries, vectorsOffset: HEADER + indexLength, vectors };
  } catch (err) {
    return empty('corrupt', `cannot read it (${(err as Error).message})`);
  } finally {
    await fh.close().catch(() => {});
  }
}

/** A run of consecutive cached vectors [vector, vector + count) going to rows [row, row + count). */
export interface VectorRun {
  vector: number;
  row: number;
  count: number;
}

/**
 * Reads runs of vectors straight into `pixels` (m x N_X, e.g. a Dataset's shared buffer): one read
 * per run, no intermediate copy. The caller checks each vector's CRC afterwards. Throws on I/O errors.
 */
export async function readCachedVectors(
  file: string,
  cache: LoadedCache,
  runs: VectorRun[],
  pixels: Uint8Array,
): Promise<void> {
  if (runs.length === 0) return;
  const fh = await fsp.open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size !== cache.vectorsOffset + cache.vectors * N_X) throw new Error('the cache file changed while reading');
    for (const r of runs) await readRun(fh, cache, r, pixels);
  } finally {
    await fh.close().catch(() => {});
  }
}

/** Reads one run from the open cache file `fh` straight into its rows of `pixels`. Throws on I/O errors. */
export async function readRun(
  fh: fsp.FileHandle,
  cache: LoadedCache,
  run: VectorRun,
  pixels: Uint8Array,
): Promise<void> {
  let done = 0;
  const length = run.count * N_X;
  while (done < length) {
    const { bytesRead } = await fh.read(
      pixels,
      run.row * N_X + done,
      length - done,
      cache.vectorsOffset + run.vector * N_X + done,
    );
    if (bytesRead === 0) throw new Error('the cache file is shorter than its header says');
    done += bytesRead;
  }
}

/** One entry to save: accepted ones take their vector from `vectors` in order of appearance. */
export interface SaveEntry {
  key: string;
  size: number;
  mtimeMs: number;
  /** Accepted: CRC-32 of its vector. */
  crc?: number;
  reason?: RejectReason;
  message?: string;
}

/**
 * Writes a cache file atomically. `vectors` holds the accepted entries' vectors back to back, in the
 * order the accepted entries appear in `entries`. Throws on I/O failure (callers turn it into a warning).
 */
export async function saveCache(
  file: string,
  optsKey: Buffer,
  entries: SaveEntry[],
  vectors: Uint8Array,
): Promise<void> {
  const parts: Buffer[] = [];
  let count = 0;
  let accepted = 0;
  for (const e of entries) {
    if (e.crc === undefined && !(e.reason && isCacheableReason(e.reason))) continue;
    const rel = Buffer.from(e.key, 'utf8');
    const msg = Buffer.from((e.message ?? '').slice(0, 1000), 'utf8');
    const fixed = Buffer.alloc(4 + rel.length + 19);
    fixed.writeUInt32LE(rel.length, 0);
    rel.copy(fixed, 4);
    const p = 4 + rel.length;
    fixed.writeDoubleLE(e.size, p);
    fixed.writeDoubleLE(e.mtimeMs, p + 8);
    fixed[p + 16] = e.crc !== undefined ? 0 : CACHED_REASONS.indexOf(e.reason!) + 1;
    fixed.writeUInt16LE(msg.length, p + 17);
    parts.push(fixed, msg);
    if (e.crc !== undefined) {
      const v = Buffer.alloc(8);
      v.writeUInt32LE(accepted++, 0);
      v.writeUInt32LE(e.crc, 4);
      parts.push(v);
    }
    count++;
  }
  if (vectors.length !== accepted * N_X)
    throw new Error(`saveCache: ${accepted} accepted entries but ${vectors.length / N_X} vectors`);
  const index = Buffer.concat(parts);
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(count, 12);
  header.writeUInt32LE(accepted, 16);
  optsKey.copy(header, 20);
  header.writeUInt32LE(index.length, 40);
  header.writeUInt32LE(crc32(index), 44);
  header.writeDoubleLE(HEADER + index.length + vectors.length, 48);
  // No fsync: a file cut short by a crash fails its checks on the next open and is rebuilt.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(header);
      await fh.writeFile(index);
      let done = 0;
      while (done < vectors.length) {
        const { bytesWritten } = await fh.write(vectors, done, vectors.length - done);
        done += bytesWritten;
      }
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
