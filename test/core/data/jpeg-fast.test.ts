// The fast JPEG path (src-core/native/jpeg + src-core/data/jpeg-fast.ts) against its oracle, sharp:
// same picture within a few levels for every fit and EXIF orientation, the exact pixels for a 64x64
// JPEG, every unusual JPEG handed over to sharp (so its result or its rejection is unchanged), and
// the fused read+decode giving the same vector and the same size/mtime as fs.lstat.

import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageFile, preprocessImage } from '../../../src-core/data/images.js';
import { importFolders } from '../../../src-core/data/import.js';
import {
  decodeFileFast,
  decodeFilesFast,
  decodeJpegFast,
  jpegDecoderInfo,
  setJpegDecoder,
} from '../../../src-core/data/jpeg-fast.js';
import { ImageRejected } from '../../../src-core/data/reasons.js';
import type { ResizeMode } from '../../../src-core/nn/model.js';
import { appRoot } from '../../../src-core/paths.js';
import { fromRaw, makeJpeg } from '../../helpers/make-images.js';

const built = jpegDecoderInfo().decoder === 'libjpeg-turbo';
if (!built) console.warn(`fast JPEG path tests skipped: ${jpegDecoderInfo().reason}`);

/** Mean absolute difference of two vectors, over rows [from, to) of the 64x64 image. */
function meanDiff(a: Uint8Array, b: Uint8Array, from = 0, to = 64): number {
  let d = 0;
  for (let i = from * 192; i < to * 192; i++) d += Math.abs(a[i] - b[i]);
  return d / ((to - from) * 192);
}

async function bothPaths(bytes: Buffer, resize: ResizeMode): Promise<{ fast: Uint8Array; sharp: Uint8Array }> {
  const before = jpegDecoderInfo().fast;
  const fast = await decodeJpegFast(bytes, resize, 1e8);
  if (!fast) throw new Error('the fast path declined a plain JPEG');
  expect(jpegDecoderInfo().fast).toBe(before + 1);
  setJpegDecoder('sharp');
  try {
    return { fast, sharp: await preprocessImage(bytes, { resize }) };
  } finally {
    setJpegDecoder('auto');
  }
}

describe.skipIf(!built)('fast JPEG path', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'catnet-jpegfast-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the picture sharp gives, within a few levels, for every fit and size', async () => {
    const sizes: [number, number][] = [
      [400, 350],
      [350, 400],
      [640, 480],
      [1200, 900],
      [64, 200],
      [97, 65],
      [3000, 2000],
    ];
    for (const [w, h] of sizes) {
      const jpeg = await makeJpeg(w, h, w + h); // once per size: generating 6 MP of pixels is slow
      for (const resize of ['cover', 'fill', 'contain'] as const) {
        const { fast, sharp: ref } = await bothPaths(jpeg, resize);
        // contain: the letterbox edge may differ by one row or column (sharp rounds after its shrink-on-load)
        const d = meanDiff(fast, ref);
        expect(d, `${w}x${h} ${resize}: mean |fast - sharp| ${d.toFixed(2)}`).toBeLessThan(
          resize === 'contain' ? 6 : 3,
        );
      }
    }
  });

  it('grey, 4:4:4, progressive and quality-50 JPEGs: the picture sharp gives', async () => {
    const base = fromRaw(300, 220, 21);
    const cases: [string, Buffer][] = [
      ['grey', await base.clone().greyscale().jpeg().toBuffer()],
      ['4:4:4', await base.clone().jpeg({ chromaSubsampling: '4:4:4' }).toBuffer()],
      ['progressive', await base.clone().jpeg({ progressive: true }).toBuffer()],
      ['quality 50', await base.clone().jpeg({ quality: 50 }).toBuffer()],
    ];
    for (const [name, bytes] of cases) {
      const { fast, sharp: ref } = await bothPaths(bytes, 'cover');
      expect(meanDiff(fast, ref), name).toBeLessThan(3);
      if (name === 'grey')
        for (let i = 0; i < fast.length; i += 3) expect(fast[i] === fast[i + 1] && fast[i] === fast[i + 2]).toBe(true);
    }
  });

  it('puts the letterbox where sharp does: black rows above and below a wide picture', async () => {
    const { fast } = await bothPaths(await makeJpeg(400, 200, 3), 'contain');
    // 400x200 -> 64x32 centred: rows 0..15 and 48..63 black, rows 16..47 the picture
    expect(fast.subarray(0, 16 * 192).every((v) => v === 0)).toBe(true);
    expect(fast.subarray(48 * 192).every((v) => v === 0)).toBe(true);
    expect(fast.subarray(16 * 192, 48 * 192).some((v) => v > 16)).toBe(true);
  });

  it('decodes a 64x64 JPEG without resampling: the pixels sharp decodes, exactly', async () => {
    for (const seed of [1, 2, 3]) {
      const { fast, sharp: ref } = await bothPaths(await makeJpeg(64, 64, seed, 90), 'cover');
      expect(Buffer.from(fast).equals(Buffer.from(ref))).toBe(true);
    }
  });

  it('applies each EXIF orientation 1..8 as sharp does (an asymmetric picture, stored turned)', async () => {
    // 160x96 picture: the stored pixels are the displayed ones turned back, so that both paths show it upright.
    const upright = await fromRaw(160, 96, 7).raw().toBuffer();
    const W = 160;
    const H = 96;
    // EXIF: displayed pixel (x, y) is stored pixel at ... (the TIFF/EXIF definitions of 1..8)
    const storedAt = (o: number, x: number, y: number): [number, number] => {
      const [w, h] = o >= 5 ? [H, W] : [W, H]; // stored size
      return (
        {
          1: [x, y],
          2: [w - 1 - x, y],
          3: [w - 1 - x, h - 1 - y],
          4: [x, h - 1 - y],
          5: [y, x],
          6: [y, h - 1 - x],
          7: [w - 1 - y, h - 1 - x],
          8: [w - 1 - y, x],
        } as Record<number, [number, number]>
      )[o];
    };
    const plain = (
      await bothPaths(
        await sharp(upright, { raw: { width: W, height: H, channels: 3 } })
          .jpeg({ quality: 95 })
          .toBuffer(),
        'cover',
      )
    ).fast;
    for (let o = 1; o <= 8; o++) {
      const [w, h] = o >= 5 ? [H, W] : [W, H];
      const stored = Buffer.alloc(W * H * 3);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const [sx, sy] = storedAt(o, x, y);
          upright.copy(stored, (sy * w + sx) * 3, (y * W + x) * 3, (y * W + x) * 3 + 3);
        }
      const jpeg = await sharp(stored, { raw: { width: w, height: h, channels: 3 } })
        .jpeg({ quality: 95 })
        .withMetadata({ orientation: o })
        .toBuffer();
      const { fast, sharp: ref } = await bothPaths(jpeg, 'cover');
      expect(meanDiff(fast, ref), `orientation ${o} vs sharp`).toBeLessThan(3);
      expect(meanDiff(fast, plain), `orientation ${o} vs the upright picture`).toBeLessThan(3);
    }
  });

  it('hands every unusual JPEG to sharp: CMYK, an ICC profile, truncated, too small, over the pixel limit', async () => {
    const rgb = fromRaw(300, 200, 5);
    const cases: [string, Buffer, number][] = [
      ['cmyk', await rgb.clone().toColourspace('cmyk').jpeg().toBuffer(), 1e8],
      ['icc', await rgb.clone().jpeg().withIccProfile('p3').toBuffer(), 1e8],
      ['truncated', (await rgb.clone().jpeg().toBuffer()).subarray(0, 3000), 1e8],
      ['small', await makeJpeg(40, 50, 1), 1e8],
      ['pixels', await rgb.clone().jpeg().toBuffer(), 1000],
      ['not-a-jpeg', Buffer.from('\xff\xd8\xffnot really a jpeg at all, just text'), 1e8],
    ];
    for (const [name, bytes, maxPixels] of cases) {
      const before = jpegDecoderInfo().handedOver;
      expect(await decodeJpegFast(bytes, 'cover', maxPixels), name).toBeUndefined();
      expect(jpegDecoderInfo().handedOver, name).toBe(before + 1);
    }
    // ... and the loader's answer for them is sharp's: a vector, or the rejection with its reason
    await expect(preprocessImage(cases[2][1])).rejects.toMatchObject({ reason: 'corrupt' });
    await expect(preprocessImage(cases[4][1], { maxPixels: 1000 })).rejects.toMatchObject({
      reason: 'too-many-pixels',
    });
    expect((await preprocessImage(cases[3][1])).length).toBe(12288);
  });

  it('gives up on a progressive JPEG with hundreds of scans (CPU exhaustion) and leaves it to sharp', async () => {
    const progressive = await makeJpeg(160, 120, 4, 90).then((b) => sharp(b).jpeg({ progressive: true }).toBuffer());
    // the last scan (its SOS marker up to EOI), repeated 400 times
    const lastSos = progressive.lastIndexOf(Buffer.from([0xff, 0xda]));
    const eoi = progressive.length - 2;
    const scan = progressive.subarray(lastSos, eoi);
    const bomb = Buffer.concat([progressive.subarray(0, eoi), ...Array(400).fill(scan), progressive.subarray(eoi)]);
    const addon = createRequire(import.meta.url)(join(appRoot(), 'build', 'Release', 'catnet_jpeg.node')) as {
      decode64(b: Uint8Array, fit: number, maxPixels: number): Promise<Uint8Array | { why: string }>;
    };
    expect(await addon.decode64(progressive, 0, 1e8)).toBeInstanceOf(Uint8Array);
    expect(await addon.decode64(bomb, 0, 1e8)).toMatchObject({ status: 2, why: 'libjpeg: more than 256 scans' });
    expect(await decodeJpegFast(bomb, 'cover', 1e8)).toBeUndefined();
  });

  it('never throws or crashes on damaged JPEG bytes: a vector or undefined (sharp then judges)', async () => {
    const good = await makeJpeg(200, 150, 9);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { maxLength: 12 }),
        fc.nat(good.length),
        async (flips, cut) => {
          const bytes = Buffer.from(good.subarray(0, Math.max(3, cut)));
          for (const [at, v] of flips) if (at > 2 && at < bytes.length) bytes[at] = v;
          const out = await decodeJpegFast(bytes, 'cover', 1e8);
          expect(out === undefined || out.length === 12288).toBe(true);
          const viaLoader = await preprocessImage(bytes).catch((e: unknown) => e);
          expect(viaLoader instanceof Uint8Array || viaLoader instanceof ImageRejected).toBe(true);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('reads and decodes a file in one job: same vector, and size and mtimeMs equal to fs.lstat', async () => {
    const file = join(dir, 'a.jpg');
    const bytes = await makeJpeg(320, 240, 11);
    writeFileSync(file, bytes);
    const got = await decodeFileFast(file, 'cover', 1e8, 1 << 20);
    expect(got).toBeDefined();
    const st = lstatSync(file);
    expect(got?.size).toBe(st.size);
    expect(got?.mtimeMs).toBe(st.mtimeMs);
    expect(Buffer.from(got!.vector).equals(Buffer.from((await decodeJpegFast(bytes, 'cover', 1e8))!))).toBe(true);
    expect(await decodeFileFast(Buffer.from(file), 'cover', 1e8, 1 << 20)).toBeDefined(); // a Buffer path
    // the general path takes: a symlink, a file over maxBytes, a PNG, a missing file, a folder
    symlinkSync(file, join(dir, 'link.jpg'));
    writeFileSync(join(dir, 'p.png'), await fromRaw(80, 80, 1).png().toBuffer());
    expect(await decodeFileFast(join(dir, 'link.jpg'), 'cover', 1e8, 1 << 20)).toBeUndefined();
    expect(await decodeFileFast(file, 'cover', 1e8, 100)).toBeUndefined();
    expect(await decodeFileFast(join(dir, 'p.png'), 'cover', 1e8, 1 << 20)).toBeUndefined();
    expect(await decodeFileFast(join(dir, 'missing.jpg'), 'cover', 1e8, 1 << 20)).toBeUndefined();
    expect(await decodeFileFast(dir, 'cover', 1e8, 1 << 20)).toBeUndefined();
    // loadImageFile still follows a symlink by default (through the general path) and rejects a missing file
    expect((await loadImageFile(join(dir, 'link.jpg'))).length).toBe(12288);
    await expect(loadImageFile(join(dir, 'missing.jpg'))).rejects.toMatchObject({ reason: 'vanished' });
    await expect(loadImageFile(join(dir, 'link.jpg'), { followSymlinks: false })).rejects.toBeInstanceOf(ImageRejected);
  });

  it('decodes a batch in one job straight into shared memory at the given rows; hands over the rest', async () => {
    const names = ['a.jpg', 'b.jpg', 'c.png', 'd.jpg', 'missing.jpg'];
    const bdir = join(dir, 'batch');
    mkdirSync(bdir);
    writeFileSync(join(bdir, 'a.jpg'), await makeJpeg(300, 200, 1));
    writeFileSync(join(bdir, 'b.jpg'), await makeJpeg(120, 260, 2));
    writeFileSync(join(bdir, 'c.png'), await fromRaw(90, 90, 3).png().toBuffer());
    writeFileSync(join(bdir, 'd.jpg'), await fromRaw(200, 150, 4).toColourspace('cmyk').jpeg().toBuffer());
    const paths = names.map((n) => join(bdir, n));
    const out = new Uint8Array(new SharedArrayBuffer(8 * 12288)).fill(7);
    const rows = Uint32Array.from([6, 0, 3, 5, 1]);
    const got = await decodeFilesFast(
      [paths[0], Buffer.from(paths[1]), ...paths.slice(2)],
      rows,
      out,
      'cover',
      1e8,
      1 << 20,
    );
    expect(got?.map((g) => g !== undefined)).toEqual([true, true, false, false, false]);
    for (const i of [0, 1]) {
      const single = await decodeFileFast(paths[i], 'cover', 1e8, 1 << 20);
      expect(
        Buffer.from(out.subarray(rows[i] * 12288, (rows[i] + 1) * 12288)).equals(Buffer.from(single!.vector)),
      ).toBe(true);
      expect(got?.[i]).toEqual({ size: single!.size, mtimeMs: single!.mtimeMs });
      expect(got?.[i]?.mtimeMs).toBe(lstatSync(paths[i]).mtimeMs);
    }
    // rows no file was written to are untouched
    for (const r of [2, 4, 7]) expect(out.subarray(r * 12288, (r + 1) * 12288).every((v) => v === 7)).toBe(true);
    // bad calls are TypeErrors before any work: a row outside out, a short rows array
    await expect(decodeFilesFast(paths.slice(0, 1), Uint32Array.from([8]), out, 'cover', 1e8, 1e6)).rejects.toThrow(
      /outside out/,
    );
    await expect(decodeFilesFast(paths.slice(0, 2), Uint32Array.from([0]), out, 'cover', 1e8, 1e6)).rejects.toThrow(
      /one per path/,
    );
    setJpegDecoder('sharp');
    try {
      expect(await decodeFilesFast(paths.slice(0, 1), Uint32Array.from([0]), out, 'cover', 1e8, 1e6)).toBeUndefined();
    } finally {
      setJpegDecoder('auto');
    }
  });

  it('an import gives the same dataset, within a few levels, with either decoder, and a cache per decoder', async () => {
    const folder = join(dir, 'set');
    mkdirSync(folder);
    for (let i = 0; i < 12; i++) writeFileSync(join(folder, `${i}.jpg`), await makeJpeg(200 + 13 * i, 180, i));
    writeFileSync(join(folder, 'cmyk.jpg'), await fromRaw(120, 90, 3).toColourspace('cmyk').jpeg().toBuffer());
    const cacheDir = join(dir, 'cache');
    const fast = await importFolders({ folders: [{ path: folder, label: 1 }], cacheDir });
    setJpegDecoder('sharp');
    let slow: Awaited<ReturnType<typeof importFolders>>;
    try {
      slow = await importFolders({ folders: [{ path: folder, label: 1 }], cacheDir });
      // sharp's run did not reuse the fast path's cache: its vectors are sharp's own
      expect(slow.report.fromCache).toBe(0);
    } finally {
      setJpegDecoder('auto');
    }
    expect(fast.dataset.m).toBe(13);
    expect(slow.dataset.paths).toEqual(fast.dataset.paths);
    for (let i = 0; i < 13; i++) {
      const d = meanDiff(
        fast.dataset.pixels.subarray(i * 12288, (i + 1) * 12288),
        slow.dataset.pixels.subarray(i * 12288, (i + 1) * 12288),
      );
      expect(d, fast.dataset.paths[i]).toBeLessThan(3);
    }
    // the CMYK file went through sharp in both runs: identical
    const c = fast.dataset.paths.findIndex((p) => p.endsWith('cmyk.jpg'));
    expect(
      Buffer.from(fast.dataset.pixels.subarray(c * 12288, (c + 1) * 12288)).equals(
        Buffer.from(slow.dataset.pixels.subarray(c * 12288, (c + 1) * 12288)),
      ),
    ).toBe(true);
  });
});
