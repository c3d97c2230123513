// preprocessImage / loadImageFile / vectorToPng against independent oracles: sharp's plain decode of
// the same file, hand-computed alpha compositing, crops of known pixels, and each bad input's reason.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImageFile, preprocessImage, readImageBytes, vectorToPng } from '../../../src-core/data/images.js';
import { ImageRejected, type RejectReason } from '../../../src-core/data/reasons.js';
import { COURSE_DATA_DIR, courseDataMissing } from '../../helpers/course-data.js';
import {
  animatedGif,
  exifPair,
  fromRaw,
  jpegHeaderOnly,
  makeJpeg,
  makePng,
  pngClaiming,
  rawPixels,
  tinyBmp,
} from '../../helpers/make-images.js';

const COURSE = COURSE_DATA_DIR;
const hasCourse = courseDataMissing('skipping course-image tests') === null;

const tmp = mkdtempSync(join(tmpdir(), 'catnet-images-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<ImageRejected> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ImageRejected);
    return err as ImageRejected;
  }
  throw new Error('expected a rejection, got a vector');
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('preprocessImage: good images', () => {
  it.skipIf(!hasCourse)('gives the course 64x64 PNGs byte-identical to their decoded pixels', async () => {
    let n = 0;
    for (const split of ['train', 'test'])
      for (const cls of ['cat', 'non-cat']) {
        const dir = join(COURSE, split, cls);
        for (const name of readdirSync(dir).filter((f) => f.endsWith('.png'))) {
          const bytes = readFileSync(join(dir, name));
          const oracle = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
          expect(oracle.info.width * oracle.info.height).toBe(64 * 64);
          for (const resize of ['cover', 'fill', 'contain'] as const) {
            const v = await preprocessImage(bytes, { resize });
            expect(Buffer.compare(Buffer.from(v), oracle.data), `${name} ${resize}`).toBe(0);
          }
          n++;
        }
      }
    expect(n).toBe(259);
  });

  it('unrolls HWC: pixel (row y, col x) channel k at (y * 64 + x) * 3 + k', async () => {
    const raw = rawPixels(64, 64, 7);
    const png = await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    const v = await preprocessImage(png);
    expect(Buffer.compare(Buffer.from(v), raw)).toBe(0);
    expect(v[(5 * 64 + 9) * 3 + 2]).toBe(raw[(5 * 64 + 9) * 3 + 2]);
  });

  it('cover = centre crop: 128x64 gives columns 32..95 exactly; contain letterboxes in black', async () => {
    const raw = rawPixels(128, 64, 3);
    const png = await sharp(raw, { raw: { width: 128, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    const expected = Buffer.alloc(64 * 64 * 3);
    for (let y = 0; y < 64; y++) raw.copy(expected, y * 64 * 3, (y * 128 + 32) * 3, (y * 128 + 96) * 3);
    expect(Buffer.compare(Buffer.from(await preprocessImage(png)), expected)).toBe(0);
    const contain = await preprocessImage(png, { resize: 'contain' });
    for (const y of [0, 15, 48, 63]) for (let x = 0; x < 64 * 3; x++) expect(contain[y * 64 * 3 + x]).toBe(0);
    const fill = await preprocessImage(png, { resize: 'fill' });
    expect(maxDiff(fill, expected)).toBeGreaterThan(10); // stretched, not cropped
  });

  it('decodes every allowed format: JPEG, PNG, WebP, GIF, TIFF, AVIF', async () => {
    const base = fromRaw(96, 80, 11);
    const reference = await preprocessImage(await base.clone().png().toBuffer());
    const encoded: Record<string, Buffer> = {
      jpeg: await base.clone().jpeg({ quality: 95 }).toBuffer(),
      webp: await base.clone().webp({ lossless: true }).toBuffer(),
      tiff: await base.clone().tiff({ compression: 'lzw' }).toBuffer(),
      avif: await base.clone().avif({ quality: 90 }).toBuffer(),
      gif: await base.clone().gif().toBuffer(),
    };
    // WebP and AVIF shrink on load (a different resampling path), JPEG/AVIF/GIF are lossy or quantised.
    const tolerance: Record<string, number> = { jpeg: 12, webp: 4, tiff: 0, avif: 40, gif: 80 };
    for (const [fmt, bytes] of Object.entries(encoded)) {
      const v = await preprocessImage(bytes);
      expect(maxDiff(v, reference), fmt).toBeLessThanOrEqual(tolerance[fmt]);
    }
  });

  it('flattens alpha on white (16-bit RGBA and palette PNGs) as compositing by hand predicts', async () => {
    const rgba = rawPixels(64, 64, 5, 4);
    const expected = Buffer.alloc(64 * 64 * 3);
    for (let p = 0; p < 64 * 64; p++) {
      const a = rgba[p * 4 + 3] / 255;
      for (let k = 0; k < 3; k++) expected[p * 3 + k] = Math.round(rgba[p * 4 + k] * a + 255 * (1 - a));
    }
    const src = () => sharp(rgba, { raw: { width: 64, height: 64, channels: 4 } });
    const png8 = await src().png().toBuffer();
    const png16 = await src().toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    expect(maxDiff(await preprocessImage(png8), expected)).toBeLessThanOrEqual(1);
    expect(maxDiff(await preprocessImage(png16), expected)).toBeLessThanOrEqual(2); // 16-bit rounding
    const pal = await src().png({ palette: true, colours: 256, dither: 0 }).toBuffer();
    expect((await sharp(pal).metadata()).isPalette).toBe(true);
    const vPal = await preprocessImage(pal);
    expect(vPal.length).toBe(12288);
    // palette quantisation changes colours a little, the left (transparent) edge must be white
    for (let y = 0; y < 64; y++) expect(vPal[y * 192]).toBeGreaterThan(240);
  });

  it('turns greyscale into three equal channels and CMYK JPEG into sRGB close to the RGB original', async () => {
    const grey = await fromRaw(70, 90, 1).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const g = await preprocessImage(grey);
    for (let p = 0; p < 4096; p++) {
      expect(g[p * 3]).toBe(g[p * 3 + 1]);
      expect(g[p * 3]).toBe(g[p * 3 + 2]);
    }
    const cmyk = await fromRaw(64, 64, 9).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const rgb = await preprocessImage(await makePng(64, 64, 9));
    const v = await preprocessImage(cmyk);
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += Math.abs(v[i] - rgb[i]);
    expect(sum / v.length).toBeLessThan(12); // ICC round trip, not exact
  });

  it('applies EXIF orientation: orientation 6 and orientation 1 of the same picture give the same vector', async () => {
    // No resampling (64x64, and 128x64 -> exact 2x): rotation is exact, so the vectors are equal.
    for (const [w, h] of [
      [64, 64],
      [128, 64],
    ]) {
      const { upright, oriented6 } = await exifPair(w, h, 3);
      expect((await sharp(oriented6).metadata()).orientation).toBe(6);
      for (const resize of ['cover', 'fill', 'contain'] as const)
        expect(maxDiff(await preprocessImage(upright, { resize }), await preprocessImage(oriented6, { resize }))).toBe(
          0,
        );
    }
    // A photo-sized shrink resamples rows and columns in a different order: equal within rounding.
    const { upright, oriented6 } = await exifPair(400, 300, 4);
    expect(maxDiff(await preprocessImage(upright), await preprocessImage(oriented6))).toBeLessThanOrEqual(2);
    // and it really was rotated: without orientation handling the picture would differ a lot
    const unrotated = await sharp(oriented6).resize(64, 64, { fit: 'cover' }).raw().toBuffer();
    expect(maxDiff(await preprocessImage(upright), unrotated)).toBeGreaterThan(50);
  });

  it('takes the first frame of an animated GIF', async () => {
    const { gif, first } = await animatedGif(64, 64, 3);
    expect((await sharp(gif).metadata()).pages).toBe(3);
    expect(maxDiff(await preprocessImage(gif), await preprocessImage(first))).toBe(0);
  });

  it('accepts 1x1 (uniform result) and 1x5000 images', async () => {
    const one = await makePng(1, 1, 1);
    const px = await sharp(one).raw().toBuffer();
    const v = await preprocessImage(one);
    for (let p = 0; p < 4096; p++) for (let k = 0; k < 3; k++) expect(v[p * 3 + k]).toBe(px[k]);
    expect((await preprocessImage(await makePng(1, 5000, 2))).length).toBe(12288);
    expect((await preprocessImage(await makePng(1, 5000, 2), { resize: 'contain' })).length).toBe(12288);
  });
});

describe('preprocessImage: bad input is rejected with the right reason, never thrown otherwise', () => {
  const cases: [string, () => Promise<Buffer> | Buffer, RejectReason][] = [
    ['zero bytes', () => Buffer.alloc(0), 'empty'],
    ['text renamed .png', () => Buffer.from('hello, I am a text file\n'), 'not-an-image'],
    ['truncated PNG', async () => (await makePng(200, 150, 1)).subarray(0, 2000), 'corrupt'],
    ['truncated JPEG', async () => (await makeJpeg(400, 350, 1)).subarray(0, 5000), 'corrupt'],
    ['header-only JPEG', async () => jpegHeaderOnly(await makeJpeg(400, 350, 1)), 'corrupt'],
    ['PNG claiming 100000 x 100000', () => pngClaiming(100_000, 100_000), 'too-many-pixels'],
    [
      'SVG referencing a local file',
      () =>
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">' +
            '<image xlink:href="file:///etc/passwd" width="64" height="64"/></svg>',
        ),
      'unsupported-format',
    ],
    [
      'SVG with XML prolog',
      () => Buffer.from('<?xml version="1.0"?>\n<svg width="9" height="9"/>'),
      'unsupported-format',
    ],
    ['BMP', () => tinyBmp(), 'unsupported-format'],
    ['PDF', () => Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'), 'unsupported-format'],
    [
      'PNG signature then garbage',
      () => Buffer.concat([pngClaiming(1, 1).subarray(0, 8), Buffer.alloc(100, 7)]),
      'corrupt',
    ],
    ['JPEG signature only', () => Buffer.from([0xff, 0xd8, 0xff]), 'corrupt'],
    ['random bytes', () => Buffer.from(rawPixels(20, 20, 3)), 'not-an-image'],
  ];
  for (const [name, make, reason] of cases)
    it(`${name} -> ${reason}`, async () => {
      const err = await rejection(preprocessImage(await make()));
      expect(err.reason).toBe(reason);
      expect(err.message.length).toBeGreaterThan(5);
      expect(err.message).not.toContain('\n');
    });

  it('honours a lower pixel limit', async () => {
    const err = await rejection(preprocessImage(await makePng(200, 200, 1), { maxPixels: 10_000 }));
    expect(err.reason).toBe('too-many-pixels');
  });

  it('keeps SVG and other file-reading loaders blocked even when called through sharp directly', async () => {
    await preprocessImage(await makePng(8, 8, 1)); // applies the decoder policy
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
    );
    await expect(sharp(svg).raw().toBuffer()).rejects.toThrow();
  });
});

describe('loadImageFile / readImageBytes', () => {
  it('reads regular files only, caps the size, and names the problem', async () => {
    const png = join(tmp, 'a.png');
    writeFileSync(png, await makePng(64, 64, 2));
    expect((await loadImageFile(png)).length).toBe(12288);
    expect((await rejection(loadImageFile(join(tmp, 'missing.png')))).reason).toBe('vanished');
    expect((await rejection(loadImageFile(tmp))).reason).toBe('not-a-file');
    expect((await rejection(loadImageFile(png, { maxBytes: 100 }))).reason).toBe('too-large');
    const big = join(tmp, 'video.mp4');
    writeFileSync(big, Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), Buffer.alloc(1 << 20)]));
    expect((await rejection(readImageBytes(big))).reason).toBe('not-an-image');
  });

  it('vectorToPng gives back exactly the vector', async () => {
    const v = await preprocessImage(await makeJpeg(300, 200, 4));
    const png = await vectorToPng(v);
    expect((await sharp(png).metadata()).format).toBe('png');
    expect(Buffer.compare(await sharp(png).raw().toBuffer(), Buffer.from(v))).toBe(0);
    expect(Buffer.compare(Buffer.from(await preprocessImage(png)), Buffer.from(v))).toBe(0);
  });
});
