// Data augmentation on the training worker: each gathered mini-batch of uint8 HWC images gets, per
// image, a random horizontal flip and a random shift of up to `shift` pixels with reflect padding
// (torchvision's RandomHorizontalFlip + RandomCrop(size, padding=shift, padding_mode='reflect')).
// Seeded, so a run is reproducible; it writes only into the batch buffer, never the caller's dataset.
// A setting, off by default: a flip is wrong for classes that differ by left and right (text, arrows).

import { Random } from '../nn/random.js';
import { TrainError } from './errors.js';

export interface Augmentation {
  /** Mirror left-right with probability 1/2. */
  flip: boolean;
  /** Move the content by dx, dy uniform in [-shift, shift] pixels, reflecting at the border (0 = off). */
  shift: number;
}

export const NO_AUGMENTATION: Augmentation = { flip: false, shift: 0 };
/** The shift `--augment shift` means: 4 px, as in the CNN literature for 32-64 px images. */
export const DEFAULT_SHIFT = 4;
export const MAX_SHIFT = 16;

export const isAugmenting = (a: Augmentation): boolean => a.flip || a.shift > 0;

/** "flip,shift" -> flip + 4 px; "shift6" -> 6 px; "none" or "" -> off. Throws a 'bad-option' TrainError. */
export function parseAugmentation(text: string): Augmentation {
  const parts = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'none')) return { ...NO_AUGMENTATION };
  const a = { ...NO_AUGMENTATION };
  for (const part of parts) {
    const shift = /^shift(\d+)?$/.exec(part);
    if (part === 'flip') a.flip = true;
    else if (shift) a.shift = shift[1] === undefined ? DEFAULT_SHIFT : Number(shift[1]);
    else
      throw new TrainError(
        'bad-option',
        `augmentation: "${part}" (in "${text}") is not flip, shift or shiftN (N pixels); write e.g. "flip,shift" or "none"`,
      );
  }
  checkAugmentation(a);
  return a;
}

/** "flip,shift4", "flip", "none": the text parseAugmentation reads back. */
export function formatAugmentation(a: Augmentation): string {
  const parts = [...(a.flip ? ['flip'] : []), ...(a.shift > 0 ? [`shift${a.shift}`] : [])];
  return parts.length > 0 ? parts.join(',') : 'none';
}

export function checkAugmentation(a: Augmentation): void {
  if (typeof a !== 'object' || a === null || typeof a.flip !== 'boolean')
    throw new TrainError(
      'bad-option',
      `augmentation must be { flip: boolean, shift: pixels }, got ${JSON.stringify(a)}`,
    );
  if (!Number.isInteger(a.shift) || a.shift < 0 || a.shift > MAX_SHIFT)
    throw new TrainError(
      'bad-option',
      `augmentation: shift must be a whole number of pixels from 0 to ${MAX_SHIFT}, got ${a.shift}`,
    );
}

/** (height, width, channels) of an n_x-byte HWC image: square with 3 channels (64x64x3 for 12288). */
export function imageShape(n_x: number): { h: number; w: number; c: number } | null {
  const side = Math.round(Math.sqrt(n_x / 3));
  return side > 0 && side * side * 3 === n_x ? { h: side, w: side, c: 3 } : null;
}

/** Index of the mirror of i in [0, n): -1 -> 1, n -> n - 2 (reflect without repeating the edge). */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** Applies an Augmentation to batches of images, drawing from its own seeded stream. */
export class Augmenter {
  private readonly random: Random;
  private readonly h: number;
  private readonly w: number;
  private readonly c: number;
  /** One image, copied before it is rewritten in place. */
  private readonly source: Uint8Array;

  constructor(
    readonly augmentation: Augmentation,
    n_x: number,
    seed: number,
  ) {
    checkAugmentation(augmentation);
    const shape = imageShape(n_x);
    if (!shape)
      throw new TrainError(
        'bad-option',
        `augmentation needs square RGB images (n_x = 3 * side^2, e.g. 12288 for 64x64); these have ${n_x} values`,
      );
    if (augmentation.shift >= shape.h)
      throw new TrainError(
        'bad-option',
        `augmentation: a shift of ${augmentation.shift} px is too large for ${shape.h}x${shape.w} images`,
      );
    ({ h: this.h, w: this.w, c: this.c } = shape);
    this.random = new Random(seed >>> 0);
    this.source = new Uint8Array(n_x);
  }

  /**
   * Rewrites images 0..count-1 of `batch` (count, h, w, c) in place. Per image it draws, in order:
   * flip (1/2), then dx and dy in [-shift, shift]; out(y, x) = in(reflect(y + dy), mirror(reflect(x + dx))).
   */
  apply(batch: Uint8Array, count: number): void {
    const { h, w, c, source } = this;
    const { flip, shift } = this.augmentation;
    const n_x = h * w * c;
    for (let i = 0; i < count; i++) {
      const mirror = flip && this.random.below(2) === 1;
      const dx = shift > 0 ? this.random.below(2 * shift + 1) - shift : 0;
      const dy = shift > 0 ? this.random.below(2 * shift + 1) - shift : 0;
      if (!mirror && dx === 0 && dy === 0) continue;
      const image = batch.subarray(i * n_x, (i + 1) * n_x);
      source.set(image);
      for (let y = 0; y < h; y++) {
        const row = reflect(y + dy, h) * w;
        for (let x = 0; x < w; x++) {
          const sx = reflect(x + dx, w);
          const from = (row + (mirror ? w - 1 - sx : sx)) * c;
          const to = (y * w + x) * c;
          for (let k = 0; k < c; k++) image[to + k] = source[from + k];
        }
      }
    }
  }
}
