// One image file or buffer -> the 12,288 bytes the network sees (64x64 sRGB, HWC), or an ImageRejected
// saying why not. Untrusted input: format by content, decoders on an allow-list, a pixel limit, a
// size cap, regular files only, and the output's shape checked. No folder walking here (folders.ts).

import { constants, promises as fsp } from 'node:fs';
import sharp, { type OutputInfo } from 'sharp';
import { IMAGE_SIZE, N_X, type ResizeMode } from '../image-format.js';
import { reserveDecodeMemory } from './decode-budget.js';
import { decodeEstimate, estimateFromMetadata } from './decode-estimate.js';
import { ensureDecoderPolicy } from './decoders.js';
import { SNIFF_BYTES, sniffFormat } from './format.js';
import { decodeFileFast, decodeJpegFast } from './jpeg-fast.js';
import { fsErrorMessage, ImageRejected, reasonForFsError } from './reasons.js';

export type { ResizeMode };

/** Largest width x height decoded (100 MP: every phone photo below 200 MP). Decompression bombs stop here. */
export const MAX_PIXELS = 100_000_000;
/** Largest file read (bytes). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface PreprocessOptions {
  /** How another aspect ratio becomes 64x64: 'cover' (centre crop, default), 'fill' (stretch), 'contain' (letterbox). */
  resize?: ResizeMode;
  /** Overrides MAX_PIXELS (tests use small values). */
  maxPixels?: number;
}

export interface LoadOptions extends PreprocessOptions {
  /** Overrides MAX_FILE_BYTES. */
  maxBytes?: number;
  /** false: refuse a path that is itself a symlink (the folder import uses this). Default true. */
  followSymlinks?: boolean;
}

/** Files up to this size are read whole in one call (fewer system calls per photo). */
const SMALL_FILE_BYTES = 4 * 1024 * 1024;

/** Colour that replaces transparency, and the letterbox colour of 'contain'. */
export const ALPHA_BACKGROUND = { r: 255, g: 255, b: 255 };
export const LETTERBOX_BACKGROUND = { r: 0, g: 0, b: 0, alpha: 1 };

function oneLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? s;
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Turns a sharp/libvips failure into a reason a person can act on. */
function rejectionFromSharp(err: unknown, maxPixels: number): ImageRejected {
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg))
    return new ImageRejected(
      'too-many-pixels',
      `larger than ${maxPixels.toLocaleString('en')} pixels: resize it first`,
    );
  if (/unsupported image format|is blocked|not been built|not supported/i.test(msg))
    return new ImageRejected('unsupported-format', `the decoder refused it (${oneLine(msg)})`);
  return new ImageRejected('corrupt', `corrupt or truncated (${oneLine(msg)})`);
}

/**
 * Decodes an encoded image and returns its 64x64 RGB pixels, HWC (r,g,b of (0,0), then (0,1), ...):
 * EXIF orientation applied, alpha flattened on white, sRGB 8-bit, resized with `resize` (default
 * 'cover', centre). An image already 64x64 is not resampled, so its pixels come out unchanged.
 * Plain JPEGs go through the fast path (jpeg-fast.ts: DCT-domain scaling + box filter), everything
 * else, and every JPEG that path declines, through sharp (Lanczos 3).
 * Throws ImageRejected (never anything else) when the bytes cannot become such a vector.
 */
export async function preprocessImage(bytes: Uint8Array | Buffer, opts: PreprocessOptions = {}): Promise<Uint8Array> {
  if (bytes.length === 0) throw new ImageRejected('empty', 'the file is empty (0 bytes)');
  const sniffed = sniffFormat(bytes.subarray(0, SNIFF_BYTES));
  if (sniffed.kind === 'not-an-image')
    throw new ImageRejected('not-an-image', 'not an image (its content is not JPEG, PNG, WebP, GIF, TIFF or AVIF)');
  if (sniffed.kind === 'unsupported') throw new ImageRejected('unsupported-format', sniffed.why);
  ensureDecoderPolicy();
  const maxPixels = opts.maxPixels ?? MAX_PIXELS;
  const fit = opts.resize ?? 'cover';
  if (sniffed.format === 'jpeg') {
    const vector = await decodeJpegFast(bytes, fit, maxPixels); // plain JPEGs; undefined: sharp decides
    if (vector) return vector;
  }
  // The decode's memory, from the header (sharp's metadata for formats not read here), reserved
  // from the budget shared with every other decode; too much for the whole budget: rejected.
  let need = decodeEstimate(bytes, sniffed.format);
  if (need === undefined) {
    try {
      need = estimateFromMetadata(await sharp(bytes).metadata());
    } catch (err) {
      throw rejectionFromSharp(err, maxPixels);
    }
  }
  // Over the pixel limit: sharp refuses it below before decoding anything, with that reason.
  const bytesNeeded = need.pixels > maxPixels ? 0 : need.bytes;
  const release = await reserveDecodeMemory(bytesNeeded, `this ${sniffed.format.toUpperCase()} image`);
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp(bytes, {
      failOn: 'truncated',
      limitInputPixels: maxPixels,
      autoOrient: true,
      pages: 1,
      page: 0,
    })
      .flatten({ background: ALPHA_BACKGROUND })
      .toColourspace('srgb')
      .removeAlpha()
      .resize(IMAGE_SIZE, IMAGE_SIZE, { fit, position: 'centre', background: LETTERBOX_BACKGROUND })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw rejectionFromSharp(err, maxPixels);
  } finally {
    release();
  }
  const { info, data } = out;
  if (info.width !== IMAGE_SIZE || info.height !== IMAGE_SIZE || info.channels !== 3 || data.length !== N_X)
    throw new ImageRejected(
      'unsupported-format',
      `decoding gave ${info.width}x${info.height}x${info.channels} instead of 64x64x3 (unusual colour format)`,
    );
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

export interface FileBytes {
  bytes: Buffer;
  size: number;
  mtimeMs: number;
}

/**
 * Reads a file for decoding: regular files only, at most `maxBytes`, content sniffed before the whole
 * file is read (a 4 GB video costs 64 bytes). Throws ImageRejected for every file-level problem.
 */
export async function readImageBytes(path: string | Buffer, opts: LoadOptions = {}): Promise<FileBytes> {
  const maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
  // O_NONBLOCK: opening a FIFO must not hang the import; O_NOFOLLOW: a file swapped for a symlink after the scan.
  let flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
  if (opts.followSymlinks === false) flags |= constants.O_NOFOLLOW ?? 0;
  let fh: fsp.FileHandle | undefined;
  let file: { size: number; mtimeMs: number } | undefined;
  try {
    fh = await fsp.open(path, flags);
    const st = await fh.stat();
    file = { size: st.size, mtimeMs: st.mtimeMs };
    if (!st.isFile()) throw new ImageRejected('not-a-file', 'not a regular file (a device, pipe or socket)');
    if (st.size === 0) throw new ImageRejected('empty', 'the file is empty (0 bytes)');
    if (st.size > maxBytes)
      throw new ImageRejected(
        'too-large',
        `${(st.size / 1048576).toFixed(0)} MB is more than the ${(maxBytes / 1048576).toFixed(0)} MB limit`,
      );
    // Small files (almost every photo) are read in one call and sniffed in memory; a large file is
    // sniffed from its first bytes before the rest is read.
    const small = st.size <= SMALL_FILE_BYTES;
    const head = Buffer.allocUnsafe(small ? st.size : SNIFF_BYTES);
    const { bytesRead: headRead } = await fh.read(head, 0, head.length, 0);
    const sniffed = sniffFormat(head.subarray(0, Math.min(headRead, SNIFF_BYTES)));
    if (sniffed.kind === 'not-an-image')
      throw new ImageRejected('not-an-image', 'not an image (its content is not JPEG, PNG, WebP, GIF, TIFF or AVIF)');
    if (sniffed.kind === 'unsupported') throw new ImageRejected('unsupported-format', sniffed.why);
    const bytes = small ? head : Buffer.allocUnsafe(st.size);
    let filled = small ? headRead : 0;
    while (filled < st.size) {
      const { bytesRead } = await fh.read(bytes, filled, st.size - filled, filled);
      if (bytesRead === 0) break; // shrank while reading: decode what there is, sharp judges it
      filled += bytesRead;
    }
    return { bytes: filled === st.size ? bytes : bytes.subarray(0, filled), size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if (err instanceof ImageRejected) {
      err.file = file;
      throw err;
    }
    if ((err as NodeJS.ErrnoException).code === 'ELOOP' && opts.followSymlinks === false)
      throw new ImageRejected('broken-link', 'it is a symlink (only regular files are read)');
    const reason = reasonForFsError(err) ?? 'unreadable';
    throw new ImageRejected(reason, fsErrorMessage(reason, err));
  } finally {
    await fh?.close().catch(() => {});
  }
}

/** Reads and preprocesses one image file (see readImageBytes and preprocessImage). */
export async function loadImageFile(path: string | Buffer, opts: LoadOptions = {}): Promise<Uint8Array> {
  // A plain JPEG is read and decoded in one native job (a symlink is left to the general path below).
  const fast = await decodeFileFast(
    path,
    opts.resize ?? 'cover',
    opts.maxPixels ?? MAX_PIXELS,
    opts.maxBytes ?? MAX_FILE_BYTES,
  );
  if (fast) return fast.vector;
  const { bytes } = await readImageBytes(path, opts);
  return preprocessImage(bytes, opts);
}

/** A 64x64 PNG of a 12,288-byte HWC vector: exactly what the model sees (thumbnails, the app's "input"). */
export async function vectorToPng(vec: Uint8Array): Promise<Buffer> {
  if (vec.length !== N_X) throw new Error(`vectorToPng: expected ${N_X} bytes (64x64x3), got ${vec.length}`);
  return sharp(vec, { raw: { width: IMAGE_SIZE, height: IMAGE_SIZE, channels: 3 } })
    .png()
    .toBuffer();
}
