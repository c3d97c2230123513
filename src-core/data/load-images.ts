// Many image files -> one (m, 12,288) pixel buffer, for prediction (`catnet predict`, the inference
// benchmark): the import's decoder (plain JPEGs in batches through the fast path, the rest through
// sharp), files named by the user read through symlinks, every failure a reason. No cache, no scan.

import { availableParallelism } from 'node:os';
import { N_X, type ResizeMode } from '../image-format.js';
import { decodeInto } from './file-verdict.js';
import { MAX_FILE_BYTES, MAX_PIXELS } from './images.js';
import type { RejectReason } from './reasons.js';

export interface LoadedImages {
  /** Row r holds the image of files[accepted[r]]. */
  pixels: Uint8Array;
  accepted: number[];
  rejected: { index: number; reason: RejectReason; message: string }[];
}

/** Decodes `fsPaths` (files, not folders) with the model's resize mode, all cores busy. */
export async function loadImages(
  fsPaths: readonly (string | Buffer)[],
  resize: ResizeMode,
  concurrency = Math.max(4, 2 * availableParallelism()),
): Promise<LoadedImages> {
  const n = fsPaths.length;
  const slots = new Uint8Array(n * N_X);
  const ok = new Array<boolean>(n).fill(false);
  const rejected: LoadedImages['rejected'] = [];
  const rows = Array.from({ length: n }, (_, k) => k);
  const opts = { resize, maxPixels: MAX_PIXELS, maxBytes: MAX_FILE_BYTES, followSymlinks: true };
  await decodeInto(fsPaths, rows, slots, opts, concurrency, (k, r) => {
    if (r.row !== undefined) ok[k] = true;
    else rejected.push({ index: k, reason: r.reason ?? 'unreadable', message: r.message ?? 'could not be read' });
  });
  // Accepted slots -> rows in file order (a no-op copy when every file was accepted).
  const accepted = rows.filter((k) => ok[k]);
  for (const [r, k] of accepted.entries()) if (r !== k) slots.copyWithin(r * N_X, k * N_X, (k + 1) * N_X);
  rejected.sort((a, b) => a.index - b.index);
  return { pixels: slots.subarray(0, accepted.length * N_X), accepted, rejected };
}
