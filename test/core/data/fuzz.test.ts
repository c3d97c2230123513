// Damaged files of every allowed format: random byte flips, cuts and splices must give either a
// 12,288-byte vector or an ImageRejected, never another exception, a crash or a hang.

import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocessImage } from '../../../src-core/data/images.js';
import { ImageRejected } from '../../../src-core/data/reasons.js';
import { fromRaw } from '../../helpers/make-images.js';

const seeds: Record<string, Buffer> = {};
beforeAll(async () => {
  const base = () => fromRaw(90, 70, 77, 4);
  seeds.jpeg = await base().jpeg().toBuffer();
  seeds.png = await base().png().toBuffer();
  seeds.webp = await base().webp().toBuffer();
  seeds.gif = await base().gif().toBuffer();
  seeds.tiff = await base().tiff().toBuffer();
  seeds.avif = await base().avif().toBuffer();
});

async function outcome(bytes: Buffer): Promise<'vector' | string> {
  try {
    const v = await preprocessImage(bytes);
    expect(v.length).toBe(12288);
    return 'vector';
  } catch (err) {
    if (!(err instanceof ImageRejected)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    return err.reason;
  }
}

describe('preprocessImage on damaged files', () => {
  for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'])
    it(`${format}: flips, cuts and splices give a vector or an ImageRejected`, async () => {
      const seed = seeds[format];
      expect(await outcome(seed)).toBe('vector');
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
          fc.option(fc.nat(), { nil: undefined }),
          fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: undefined }),
          async (flips, cut, splice) => {
            const b = Buffer.from(seed);
            // keep the first 4 bytes so the format is still recognised and the decoder really runs
            for (const [at, x] of flips) b[4 + (at % (b.length - 4))] ^= x;
            let damaged = cut === undefined ? b : b.subarray(0, 4 + (cut % (b.length - 4)));
            if (splice)
              damaged = Buffer.concat([
                damaged.subarray(0, damaged.length >> 1),
                splice,
                damaged.subarray(damaged.length >> 1),
              ]);
            const r = await outcome(damaged);
            expect(['vector', 'corrupt', 'too-many-pixels', 'unsupported-format', 'not-an-image']).toContain(r);
          },
        ),
        { numRuns: 100, seed: 20261124 },
      );
    });

  it('sharp is still usable afterwards', async () => {
    expect((await sharp(seeds.png).metadata()).width).toBe(90);
  });
});
