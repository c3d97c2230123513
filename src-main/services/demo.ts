// The demo set: small synthetic images of two kinds anyone can tell apart (warm blobs vs cool stripes),
// randomised and seeded, written as PNGs with sharp under userData/demo. Our own art, never course data.

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../../src-core/nn/random.js';

export const DEMO_CLASS_NAMES: [string, string] = ['warm blobs', 'cool stripes'];
const SIZE = 64;

type Rgb = [number, number, number];

/** Writes colour `c` at (x, y) plus one noise value in [-10, 10) shared by the 3 channels, clamped to 0..255. */
function putNoisy(pixels: Buffer, x: number, y: number, c: Rgb, rand: () => number): void {
  const i = (y * SIZE + x) * 3;
  const noise = (rand() - 0.5) * 20;
  for (let k = 0; k < 3; k++) pixels[i + k] = Math.max(0, Math.min(255, Math.round(c[k] + noise)));
}

/** Warm blobs: 2-5 red/orange/yellow discs with soft edges on a light warm background. */
function warmBlobs(rand: () => number): Buffer {
  const pixels = Buffer.alloc(SIZE * SIZE * 3);
  const background: Rgb = [200 + rand() * 55, 170 + rand() * 60, 120 + rand() * 60];
  const blobs = Array.from({ length: 2 + Math.floor(rand() * 4) }, () => ({
    x: rand() * SIZE,
    y: rand() * SIZE,
    r: 6 + rand() * 14,
    color: [200 + rand() * 55, 40 + rand() * 140, rand() * 60] as Rgb,
  }));
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      let c: Rgb = [...background];
      for (const b of blobs) {
        const d = Math.hypot(x - b.x, y - b.y);
        const w = Math.max(0, Math.min(1, (b.r - d) / 3));
        c = [c[0] * (1 - w) + b.color[0] * w, c[1] * (1 - w) + b.color[1] * w, c[2] * (1 - w) + b.color[2] * w];
      }
      putNoisy(pixels, x, y, c, rand);
    }
  return pixels;
}

/** Cool stripes: blue/green/cyan bands of random width and direction. */
function coolStripes(rand: () => number): Buffer {
  const pixels = Buffer.alloc(SIZE * SIZE * 3);
  const angle = rand() * Math.PI;
  const period = 6 + rand() * 14;
  const a: Rgb = [rand() * 60, 80 + rand() * 120, 150 + rand() * 105];
  const b: Rgb = [rand() * 40, 30 + rand() * 80, 60 + rand() * 100];
  const phase = rand() * period;
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const t = (x * Math.cos(angle) + y * Math.sin(angle) + phase) / period;
      const c = t - Math.floor(t) < 0.5 ? a : b;
      putNoisy(pixels, x, y, c, rand);
    }
  return pixels;
}

export interface DemoFolders {
  positive: string;
  negative: string;
}

/** Writes `perClass` images of each kind (fresh folders each time) and returns the two folders. */
export async function writeDemoImages(userData: string, perClass = 60, seed = 7): Promise<DemoFolders> {
  const root = join(userData, 'demo');
  const folders = { positive: join(root, 'warm-blobs'), negative: join(root, 'cool-stripes') };
  await rm(root, { recursive: true, force: true });
  const rand = mulberry32(seed);
  for (const [folder, draw] of [
    [folders.positive, warmBlobs],
    [folders.negative, coolStripes],
  ] as const) {
    await mkdir(folder, { recursive: true });
    for (let k = 0; k < perClass; k++) {
      const raw = draw(rand);
      await sharp(raw, { raw: { width: SIZE, height: SIZE, channels: 3 } })
        .png()
        .toFile(join(folder, `${String(k).padStart(3, '0')}.png`));
    }
  }
  return folders;
}
