// On-disk cache of preprocessed vectors, one file per (folder, preprocessing options), so re-opening
// a folder reads 12 KB per image instead of decoding it. Entries are keyed by the file's path relative
// to the folder, its size and mtime; content verdicts (not an image, corrupt, ...) are cached too.
// A cache file is checked (magic, version, options, length, CRC-32) and ignored when anything is off:
// it is a speed-up, never a source of truth. Writes are atomic (temp file + rename).
//
// File layout (little-endian):
//   header (48 bytes): magic "CNVCACHE" | version u32 | count u32 | options sha1 (20) | crc32 u32 of
//                      everything after the header | body length u32 | 4 reserved
//   body: count x entry: relLen u32 | rel bytes | size f64 | mtimeMs f64 | status u8 | msgLen u16 |
//         msg utf8 | (status 0 only) 12,288 pixel bytes

import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { N_X } from '../nn/model.js';
import type { RejectReason } from './reasons.js';

const MAGIC = Buffer.from('CNVCACHE', 'latin1');
const VERSION = 1;
const HEADER = 48;
/** status byte: 0 = accepted, k = CACHED_REASONS[k - 1]. */
const CACHED_REASONS: RejectReason[] = [
  'empty',
  'not-an-image',
  'unsupported-format',
  'corrupt',
  'too-many-pixels',
  'too-large',
];

export interface CacheEntry {
  size: number;
  mtimeMs: number;
  /** Accepted: the 12,288-byte vector; else the cached verdict. */
  vector?: Uint8Array;
  reason?: RejectReason;
  message?: string;
}

export type CacheLoadStatus = 'none' | 'loaded' | 'corrupt' | 'stale-options';

/** What decides the vectors besides the file: preprocessing options and the decoder's version. */
export function optionsKey(opts: Record<string, unknown>): Buffer {
  const v = sharp.versions as Record<string, string | undefined>;
  const canon = JSON.stringify({ ...opts, sharp: v.sharp, vips: v.vips, layout: 'hwc-srgb8-v1' });
  return createHash('sha1').update(canon).digest();
}

/** The cache file of a folder (by its real path) under `cacheDir`. */
export function cacheFileFor(cacheDir: string, root: string, optsKey: Buffer): string {
  const id = createHash('sha1').update(root).update('\0').update(optsKey).digest('hex').slice(0, 32);
  return join(cacheDir, `vectors-${id}.cnvc`);
}

/** Map key for a relative path given as raw bytes (latin1 keeps every byte). */
export function relKey(rel: Buffer): string {
  return rel.toString('latin1');
}

/**
 * Reads a cache file. Missing: status 'none'. Anything inconsistent (wrong magic, version, options,
 * length, CRC, an entry running past the end): status 'corrupt' and no entries, so the caller rebuilds.
 */
export async function loadCache(
  file: string,
  optsKey: Buffer,
): Promise<{ status: CacheLoadStatus; entries: Map<string, CacheEntry>; detail?: string }> {
  const entries = new Map<string, CacheEntry>();
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'none', entries };
    return { status: 'corrupt', entries, detail: `cannot read it (${(err as Error).message})` };
  }
  const bad = (detail: string) => ({ status: 'corrupt' as const, entries: new Map<string, CacheEntry>(), detail });
  if (buf.length < HEADER || !buf.subarray(0, 8).equals(MAGIC)) return bad('not a catnet cache file');
  if (buf.readUInt32LE(8) !== VERSION) return bad(`version ${buf.readUInt32LE(8)}, expected ${VERSION}`);
  const count = buf.readUInt32LE(12);
  if (!buf.subarray(16, 36).equals(optsKey)) return { status: 'stale-options', entries };
  const crc = buf.readUInt32LE(36);
  const bodyLength = buf.readUInt32LE(40);
  if (buf.length !== HEADER + bodyLength) return bad(`length ${buf.length}, header says ${HEADER + bodyLength}`);
  if (crc32(buf.subarray(HEADER)) !== crc) return bad('checksum mismatch');
  let p = HEADER;
  try {
    for (let i = 0; i < count; i++) {
      const relLen = buf.readUInt32LE(p);
      p += 4;
      const key = buf.toString('latin1', p, p + relLen);
      p += relLen;
      const size = buf.readDoubleLE(p);
      const mtimeMs = buf.readDoubleLE(p + 8);
      const status = buf[p + 16];
      const msgLen = buf.readUInt16LE(p + 17);
      p += 19;
      const message = msgLen > 0 ? buf.toString('utf8', p, p + msgLen) : undefined;
      p += msgLen;
      if (status === 0) {
        if (p + N_X > buf.length) return bad('an entry runs past the end');
        entries.set(key, { size, mtimeMs, vector: new Uint8Array(buf.buffer, buf.byteOffset + p, N_X) });
        p += N_X;
      } else {
        const reason = CACHED_REASONS[status - 1];
        if (!reason) return bad(`unknown status ${status}`);
        entries.set(key, { size, mtimeMs, reason, message });
      }
    }
  } catch {
    return bad('an entry runs past the end');
  }
  if (p !== buf.length) return bad('trailing bytes');
  return { status: 'loaded', entries };
}

/** Whether a verdict may be cached (it depends only on the bytes). */
export function isCacheable(e: CacheEntry): boolean {
  return e.vector !== undefined || (e.reason !== undefined && CACHED_REASONS.includes(e.reason));
}

/** Writes entries (key = relKey(rel)) atomically. Throws on I/O failure (the caller turns it into a warning). */
export async function saveCache(file: string, optsKey: Buffer, entries: Map<string, CacheEntry>): Promise<void> {
  const parts: Buffer[] = [];
  let count = 0;
  for (const [key, e] of entries) {
    if (!isCacheable(e)) continue;
    const rel = Buffer.from(key, 'latin1');
    const msg = Buffer.from((e.message ?? '').slice(0, 1000), 'utf8');
    const fixed = Buffer.alloc(4 + rel.length + 19);
    fixed.writeUInt32LE(rel.length, 0);
    rel.copy(fixed, 4);
    let p = 4 + rel.length;
    fixed.writeDoubleLE(e.size, p);
    fixed.writeDoubleLE(e.mtimeMs, p + 8);
    fixed[p + 16] = e.vector ? 0 : CACHED_REASONS.indexOf(e.reason!) + 1;
    fixed.writeUInt16LE(msg.length, p + 17);
    p += 19;
    parts.push(fixed, msg);
    if (e.vector) parts.push(Buffer.from(e.vector.buffer, e.vector.byteOffset, N_X));
    count++;
  }
  const body = Buffer.concat(parts);
  if (body.length > 0xffffffff) throw new Error('cache file would exceed 4 GB');
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(count, 12);
  optsKey.copy(header, 16);
  header.writeUInt32LE(crc32(body), 36);
  header.writeUInt32LE(body.length, 40);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(header);
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
