// The fast JPEG path: catnet_jpeg.node (src-core/native/jpeg, built when libjpeg-turbo is on the
// build machine) decodes at 1/2, 1/4 or 1/8 scale in the DCT domain and box-filters to 64x64 on
// libuv's thread pool, about 0.4 ms of CPU per photo against sharp's 1.7 ms. It takes only plain
// JPEGs (YCbCr/grey, no ICC profile, no libjpeg warning, a crop of at least 64 pixels); for any other
// file it answers undefined and the caller decodes with sharp, which colour-manages or rejects it.
// CATNET_DECODER=sharp turns the fast path off; tests force each path with setJpegDecoder().

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { N_X, type ResizeMode } from '../image-format.js';
import { appRoot } from '../paths.js';

interface JpegAddon {
  decode64(bytes: Uint8Array, fit: number, maxPixels: number): Promise<Uint8Array | string>;
  decodeFiles64(
    paths: (string | Buffer)[],
    rows: Uint32Array,
    out: Uint8Array,
    meta: Float64Array,
    fit: number,
    maxPixels: number,
    maxBytes: number,
  ): Promise<number>;
}

/** A JPEG file read and decoded in one native job: its vector, and the size and mtime it was read at. */
export interface FastDecodedFile {
  vector: Uint8Array;
  size: number;
  /** As fs.Stats.mtimeMs computes it (sec * 1e3 + nsec / 1e6), so cache entries compare equal. */
  mtimeMs: number;
}

/** Bumped whenever jpeg64.c's output changes for some input (it is part of the vector cache's key). */
export const JPEG_FAST_VERSION = 1;

/** The fit codes of enum cn_fit in src-core/native/jpeg/jpeg64.h. */
const FIT_CODE: Record<ResizeMode, number> = { cover: 0, fill: 1, contain: 2 };

export type JpegDecoderChoice = 'auto' | 'sharp';

export interface JpegDecoderInfo {
  /** What decodes plain JPEGs now. */
  decoder: 'libjpeg-turbo' | 'sharp';
  /** Why it is sharp ('' when the fast path is on). */
  reason: string;
  /** JPEGs decoded by the fast path, and those it handed to sharp, since the process started. */
  fast: number;
  handedOver: number;
}

let addon: JpegAddon | undefined;
let loadError: string | undefined;
let choice: JpegDecoderChoice = process.env.CATNET_DECODER === 'sharp' ? 'sharp' : 'auto';
let fast = 0;
let handedOver = 0;

function loadJpegAddon(): JpegAddon | undefined {
  if (addon || loadError) return addon;
  const file = join(appRoot(), 'build', 'Release', 'catnet_jpeg.node');
  if (!existsSync(file)) {
    loadError = 'catnet_jpeg.node was not built (libjpeg-turbo headers were missing at install time)';
    return undefined;
  }
  try {
    addon = createRequire(import.meta.url)(file) as JpegAddon;
  } catch (err) {
    loadError = `catnet_jpeg.node did not load (${(err as Error).message.split('\n')[0]})`;
  }
  return addon;
}

/** Test and benchmark hook: 'sharp' sends every JPEG to sharp; 'auto' uses the fast path when built. */
export function setJpegDecoder(c: JpegDecoderChoice): void {
  choice = c;
}

export function jpegDecoderInfo(): JpegDecoderInfo {
  const a = choice === 'auto' ? loadJpegAddon() : undefined;
  const reason = a ? '' : choice === 'sharp' ? 'CATNET_DECODER=sharp or setJpegDecoder("sharp")' : (loadError ?? '');
  return { decoder: a ? 'libjpeg-turbo' : 'sharp', reason, fast: fast, handedOver };
}

/** The addon's answer counted: a result (taken by the fast path) or a reason string (handed over). */
function counted<T>(out: T | string): T | undefined {
  if (typeof out === 'string') {
    handedOver++;
    return undefined;
  }
  fast++;
  return out;
}

/**
 * Reads and decodes a file in one native job when it is a small regular JPEG (not a symlink, at most
 * maxBytes) that the fast path takes; undefined otherwise, and the caller's general path reads it
 * again and names any problem. Never throws for bad files.
 */
export async function decodeFileFast(
  fsPath: string | Buffer,
  resize: ResizeMode,
  maxPixels: number,
  maxBytes: number,
): Promise<FastDecodedFile | undefined> {
  const vector = new Uint8Array(N_X);
  const [stat] = (await decodeFilesFast([fsPath], Uint32Array.of(0), vector, resize, maxPixels, maxBytes)) ?? [];
  return stat && { vector, ...stat };
}

/** What the batch call says of one file it decoded: size and mtime as read (see FastDecodedFile). */
export interface FastFileStat {
  size: number;
  mtimeMs: number;
}

/**
 * A batch of files read and decoded in one native job (one thread-pool round trip for all of them),
 * each vector written straight to out[rows[i] * N_X ...]. Per file: its size and mtime when the fast
 * path took it, undefined when it was handed over (its rows of out are then unspecified: decode it
 * with the general path). undefined for the whole batch when the fast path is off or not built.
 * The caller must not touch those rows of out until the promise settles.
 */
export async function decodeFilesFast(
  fsPaths: (string | Buffer)[],
  rows: Uint32Array,
  out: Uint8Array,
  resize: ResizeMode,
  maxPixels: number,
  maxBytes: number,
): Promise<(FastFileStat | undefined)[] | undefined> {
  const a = choice === 'auto' ? loadJpegAddon() : undefined;
  if (!a) return undefined;
  const meta = new Float64Array(fsPaths.length * 3);
  await a.decodeFiles64(fsPaths, rows, out, meta, FIT_CODE[resize], maxPixels, maxBytes);
  return fsPaths.map((_, i) => {
    const size = meta[i * 3];
    if (size < 0) {
      handedOver++;
      return undefined;
    }
    fast++;
    return { size, mtimeMs: meta[i * 3 + 1] * 1e3 + meta[i * 3 + 2] / 1e6 };
  });
}

/**
 * The 12,288-byte HWC vector of a JPEG, or undefined when sharp must decode it (the fast path is
 * off or not built, or the file is not a plain JPEG: see the file comment). Never throws for bad bytes.
 */
export async function decodeJpegFast(
  bytes: Uint8Array,
  resize: ResizeMode,
  maxPixels: number,
): Promise<Uint8Array | undefined> {
  const a = choice === 'auto' ? loadJpegAddon() : undefined;
  return a && counted(await a.decode64(bytes, FIT_CODE[resize], maxPixels));
}
