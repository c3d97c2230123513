// Loads catnet_jpeg.node (src-core/native/jpeg) once: the fast JPEG path (jpeg-fast.ts) and the decode
// memory budget (decode-budget.ts) both live in it. Absent when libjpeg-turbo was missing at build
// time; callers then use sharp and a budget kept in JavaScript.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appRoot } from '../paths.js';

/** decode64's answer when it does not return a vector: a CN_JPEG64_* status, the reason, the bytes needed. */
export interface JpegNotDecoded {
  status: number;
  why: string;
  need: number;
}

/** The CN_JPEG64_* codes of src-core/native/jpeg/jpeg64.h. */
export const JPEG_STATUS = { ok: 0, fallback: 1, error: 2, tooBig: 3, busy: 4 } as const;

/** Numbers per file in decodeFiles64's meta: [status, size, mtimeSec, mtimeNsec, need]. */
export const META_PER_FILE = 5;

export interface JpegAddon {
  decode64(bytes: Uint8Array, fit: number, maxPixels: number): Promise<Uint8Array | JpegNotDecoded>;
  decodeFiles64(
    paths: (string | Buffer)[],
    rows: Uint32Array,
    out: Uint8Array,
    meta: Float64Array,
    fit: number,
    maxPixels: number,
    maxBytes: number,
  ): Promise<number>;
  decodeBudget(): { total: number; used: number; peak: number };
  setDecodeBudget(bytes: number): void;
  resetDecodePeak(): void;
  reserveDecode(bytes: number): boolean;
  releaseDecode(bytes: number): void;
}

let addon: JpegAddon | undefined;
let loadError: string | undefined;

/** The addon, or undefined (then jpegAddonError() says why). */
export function jpegAddon(): JpegAddon | undefined {
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

export function jpegAddonError(): string | undefined {
  jpegAddon();
  return loadError;
}
