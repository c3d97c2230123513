// The fast JPEG path: catnet_jpeg.node (src-core/native/jpeg, built when libjpeg-turbo is on the
// build machine) decodes at 1/2, 1/4 or 1/8 scale in the DCT domain and box-filters to 64x64 on
// libuv's thread pool, about 0.4 ms of CPU per photo against sharp's 1.7 ms. It takes only plain
// JPEGs (YCbCr/grey, no ICC profile, no libjpeg warning, a crop of at least 64 pixels); for any other
// file it answers undefined and the caller decodes with sharp, which colour-manages or rejects it.
// CATNET_DECODER=sharp turns the fast path off; tests force each path with setJpegDecoder().

import { N_X, type ResizeMode } from '../image-format.js';
import { counter, tooBigToDecode, waitForBudget } from './decode-budget.js';
import { JPEG_STATUS, type JpegAddon, jpegAddon, jpegAddonError, META_PER_FILE } from './jpeg-addon.js';
import type { ImageRejected } from './reasons.js';

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

let choice: JpegDecoderChoice = process.env.CATNET_DECODER === 'sharp' ? 'sharp' : 'auto';
let fast = 0;
let handedOver = 0;

/** The addon when the fast path is on (its decode budget configured first), else undefined. */
function activeAddon(): JpegAddon | undefined {
  if (choice !== 'auto') return undefined;
  const a = jpegAddon();
  if (a) counter();
  return a;
}

/** Test and benchmark hook: 'sharp' sends every JPEG to sharp; 'auto' uses the fast path when built. */
export function setJpegDecoder(c: JpegDecoderChoice): void {
  choice = c;
}

export function jpegDecoderInfo(): JpegDecoderInfo {
  const a = activeAddon();
  const reason = a
    ? ''
    : choice === 'sharp'
      ? 'CATNET_DECODER=sharp or setJpegDecoder("sharp")'
      : (jpegAddonError() ?? '');
  return { decoder: a ? 'libjpeg-turbo' : 'sharp', reason, fast: fast, handedOver };
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
  if (stat && 'rejected' in stat) throw stat.rejected;
  return stat && { vector, ...stat };
}

/** What the batch call says of one file it decoded: size and mtime as read (see FastDecodedFile). */
export interface FastFileStat {
  size: number;
  mtimeMs: number;
}

/** A file whose decode needs more memory than the whole decode budget: refused, not handed over. */
export interface FastFileRejected extends FastFileStat {
  rejected: ImageRejected;
}

/**
 * A batch of files read and decoded in one native job (one thread-pool round trip for all of them),
 * each vector written straight to out[rows[i] * N_X ...]. Per file: its size and mtime when the fast
 * path took it; `rejected` when decoding it needs more than the whole decode budget (sharp would need
 * as much: it is not handed over); undefined when it was handed over (its rows of out are then
 * unspecified: decode it with the general path). A file that must wait for decode budget is tried
 * again, alone, until the budget has room. undefined for the whole batch when the fast path is off or
 * not built. The caller must not touch those rows of out until the promise settles.
 */
export async function decodeFilesFast(
  fsPaths: (string | Buffer)[],
  rows: Uint32Array,
  out: Uint8Array,
  resize: ResizeMode,
  maxPixels: number,
  maxBytes: number,
): Promise<(FastFileStat | FastFileRejected | undefined)[] | undefined> {
  const a = activeAddon();
  if (!a) return undefined;
  const results: (FastFileStat | FastFileRejected | undefined)[] = new Array(fsPaths.length).fill(undefined);
  let todo = fsPaths.map((_, i) => i);
  for (let round = 0; todo.length > 0; round++) {
    if (round > 0) await waitForBudget();
    const meta = new Float64Array(todo.length * META_PER_FILE);
    const paths = todo.map((i) => fsPaths[i]);
    const subset = todo.length === fsPaths.length ? rows : Uint32Array.from(todo, (i) => rows[i]);
    await a.decodeFiles64(paths, subset, out, meta, FIT_CODE[resize], maxPixels, maxBytes);
    const busy: number[] = [];
    todo.forEach((i, j) => {
      const [status, size, sec, nsec, need] = meta.subarray(j * META_PER_FILE, (j + 1) * META_PER_FILE);
      const stat = { size, mtimeMs: sec * 1e3 + nsec / 1e6 };
      if (status === JPEG_STATUS.busy) busy.push(i);
      else if (status === JPEG_STATUS.ok) {
        fast++;
        results[i] = stat;
      } else if (status === JPEG_STATUS.tooBig) results[i] = { ...stat, rejected: tooBigToDecode(need, 'this JPEG') };
      else handedOver++;
    });
    todo = busy;
  }
  return results;
}

/**
 * The 12,288-byte HWC vector of a JPEG, or undefined when sharp must decode it (the fast path is
 * off or not built, or the file is not a plain JPEG: see the file comment). Waits while the decode
 * budget is short; throws ImageRejected when the decode needs more than the whole budget. Never
 * throws for bad bytes.
 */
export async function decodeJpegFast(
  bytes: Uint8Array,
  resize: ResizeMode,
  maxPixels: number,
): Promise<Uint8Array | undefined> {
  const a = activeAddon();
  if (!a) return undefined;
  for (;;) {
    const answer = await a.decode64(bytes, FIT_CODE[resize], maxPixels);
    if (answer instanceof Uint8Array) {
      fast++;
      return answer;
    }
    if (answer.status === JPEG_STATUS.tooBig) throw tooBigToDecode(answer.need, 'this JPEG');
    if (answer.status !== JPEG_STATUS.busy) {
      handedOver++;
      return undefined;
    }
    await waitForBudget();
  }
}
