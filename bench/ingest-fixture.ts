// The benchmark's photo-like JPEG folder: `count` files of about 400x350 (each a little different),
// generated deterministically with sharp and kept in the temp folder so later runs reuse them.
// Shared by the ingest bench (catnet), the Pillow peer and the inference bench, so all read the same files.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Random } from '../src-core/nn/random.js';

/** Bump when the generated content changes, so stale folders are not reused. */
const FIXTURE_VERSION = 1;
const DONE_MARKER = '.complete';

export interface JpegFixture {
  folder: string;
  /** Absolute paths, sorted. */
  files: string[];
  /** Total bytes on disk. */
  bytes: number;
}

/**
 * One image's pixels (height, width, 3) bytes: a smooth colour field (bilinear between four random
 * corner colours), a few soft-edged discs, and per-pixel noise, so the JPEG decoder does realistic
 * work (about 30-60 KB per file at quality 85).
 */
function photoLikePixels(rng: Random, width: number, height: number): Buffer {
  const corners = Array.from({ length: 4 }, () => [0, 1, 2].map(() => 40 + 180 * rng.uniform()));
  const discs = Array.from({ length: 3 + Math.floor(4 * rng.uniform()) }, () => ({
    x: width * rng.uniform(),
    y: height * rng.uniform(),
    r: 15 + 70 * rng.uniform(),
    colour: [0, 1, 2].map(() => 255 * rng.uniform()),
  }));
  const px = Buffer.allocUnsafe(width * height * 3);
  let noise = rng.uint32() | 1;
  for (let y = 0; y < height; y++) {
    const v = y / (height - 1);
    for (let x = 0; x < width; x++) {
      const u = x / (width - 1);
      let inDisc = -1;
      for (let d = 0; d < discs.length; d++) {
        const dx = x - discs[d].x;
        const dy = y - discs[d].y;
        if (dx * dx + dy * dy < discs[d].r * discs[d].r) inDisc = d;
      }
      for (let c = 0; c < 3; c++) {
        const base =
          inDisc >= 0
            ? discs[inDisc].colour[c]
            : (1 - u) * (1 - v) * corners[0][c] +
              u * (1 - v) * corners[1][c] +
              (1 - u) * v * corners[2][c] +
              u * v * corners[3][c];
        noise ^= noise << 13; // xorshift32: cheap per-pixel noise, seeded from rng
        noise ^= noise >>> 17;
        noise ^= noise << 5;
        const value = base + ((noise >>> 0) % 25) - 12;
        px[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, value));
      }
    }
  }
  return px;
}

/** The folder a fixture of `count` files lives in (under the OS temp folder unless `root` is given). */
export function jpegFixtureFolder(count: number, root = tmpdir()): string {
  return join(root, `catnet-bench-jpeg-v${FIXTURE_VERSION}-${count}`);
}

function listJpegs(folder: string): string[] {
  return readdirSync(folder)
    .filter((n) => n.endsWith('.jpg'))
    .sort()
    .map((n) => join(folder, n));
}

/**
 * Makes (or reuses) a folder of `count` JPEGs. Sizes vary around 400x350 (width 360..440, height
 * 315..385). Written to a temporary sibling folder and renamed when complete, so an interrupted run
 * never leaves a half-filled fixture that a later run would trust.
 */
export async function ensureJpegFixture(
  count: number,
  opts: { root?: string; onProgress?: (done: number, total: number) => void } = {},
): Promise<JpegFixture> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`ensureJpegFixture: count must be >= 1, got ${count}`);
  const folder = jpegFixtureFolder(count, opts.root);
  if (!existsSync(join(folder, DONE_MARKER))) {
    const building = `${folder}.partial-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    const rng = new Random(20261124);
    for (let i = 0; i < count; i++) {
      const width = 360 + Math.floor(81 * rng.uniform());
      const height = 315 + Math.floor(71 * rng.uniform());
      const jpeg = await sharp(photoLikePixels(rng, width, height), { raw: { width, height, channels: 3 } })
        .jpeg({ quality: 85 })
        .toBuffer();
      writeFileSync(join(building, `img-${String(i).padStart(6, '0')}.jpg`), jpeg);
      opts.onProgress?.(i + 1, count);
    }
    writeFileSync(join(building, DONE_MARKER), `${count}\n`);
    rmSync(folder, { recursive: true, force: true });
    renameSync(building, folder);
  }
  const files = listJpegs(folder);
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  return { folder, files, bytes };
}
