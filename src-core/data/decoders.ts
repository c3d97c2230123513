// The process-wide decoder policy: every libvips loader is blocked except the allow-list below, so
// SVG, PDF, ImageMagick, OpenSlide, matrix/CSV and other loaders that can read other files never run
// on user input (sharp.block is global and cheap; applied once, on first decode).

import sharp from 'sharp';

/** libvips loader classes catnet decodes. File variants stay allowed so other code may read by path. */
export const ALLOWED_LOADERS = ['Jpeg', 'Png', 'Webp', 'Nsgif', 'Tiff', 'Heif'].flatMap((f) => [
  `VipsForeignLoad${f}Buffer`,
  `VipsForeignLoad${f}File`,
  `VipsForeignLoad${f}Source`,
]);

let applied = false;

/**
 * Blocks all libvips loaders, then unblocks ALLOWED_LOADERS. Also turns off libvips' operation cache:
 * every image is decoded once, so caching only costs hashing and memory (about 0.2 ms per image).
 * Idempotent.
 */
export function ensureDecoderPolicy(): void {
  if (applied) return;
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ALLOWED_LOADERS });
  sharp.cache(false);
  applied = true;
}
