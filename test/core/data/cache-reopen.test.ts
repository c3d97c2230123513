// The re-open fast path (cache-check.ts, cache-prefetch.ts, pixel-memory.ts, native memory.c): the
// native lstat gives Node's answers, huge page hints leave buffers intact, and a cached re-open gives
// exactly the dataset a fresh decode gives, with or without the addon, also when files were added or
// removed (the cached vectors then land in other slots than they were saved from).

import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importFolders } from '../../../src-core/data/import.js';
import { nativeData, useNativeData } from '../../../src-core/data/native-data.js';
import { adviseHugePages, privatePixels, sharedPixels } from '../../../src-core/data/pixel-memory.js';
import { makeJpeg, writeFiles } from '../../helpers/make-images.js';

const tmp = mkdtempSync(join(tmpdir(), 'catnet-reopen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => useNativeData(true));

const native = nativeData();
if (!native) console.warn('cache-reopen tests: the native addon is not built; its checks are skipped');

describe('native lstatFiles', () => {
  it.skipIf(!native)('gives the kind, size and mtimeMs Node gives, -1 where lstat fails', async () => {
    const dir = join(tmp, 'stat');
    writeFiles(dir, { 'a.jpg': 'abc', 'b b.png': Buffer.alloc(5000, 7), 'é.jpg': 'x' });
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'a.jpg'), join(dir, 'link.jpg'));
    const paths: (string | Buffer)[] = [
      ...['a.jpg', 'b b.png', 'é.jpg', 'sub', 'link.jpg', 'missing.jpg'].map((n) => join(dir, n)),
      Buffer.from(join(dir, 'a.jpg')),
      `${join(dir, 'a.jpg')}\0x`,
      42 as unknown as string,
    ];
    const out = await native!.lstatFiles(paths, 0, paths.length);
    expect(out).toHaveLength(3 * paths.length);
    paths.forEach((p, k) => {
      const usable = Buffer.isBuffer(p) || (typeof p === 'string' && !p.includes('\0'));
      const st = usable ? lstatSync(p, { throwIfNoEntry: false }) : undefined;
      if (!st) expect(out[3 * k], String(p)).toBe(-1);
      else expect([...out.subarray(3 * k, 3 * k + 3)], String(p)).toEqual([st.isFile() ? 1 : 0, st.size, st.mtimeMs]);
    });
    // a slice gives its own triples, from index 0
    const part = await native!.lstatFiles(paths, 1, 3);
    expect(part).toHaveLength(6);
    expect(part[1]).toBe(5000);
    expect(await native!.lstatFiles(paths, 2, 2)).toHaveLength(0);
    expect(() => native!.lstatFiles(paths, 2, paths.length + 1)).toThrow(RangeError);
    expect(() => native!.lstatFiles('x' as unknown as string[], 0, 0)).toThrow(TypeError);
  });
});

describe('native crc32Rows', () => {
  it.skipIf(!native)("gives zlib's CRC-32 of every row, for row sizes around the 16/64-byte folding steps", () => {
    const bytes = new Uint8Array(new SharedArrayBuffer(40_000));
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    for (const rowBytes of [1, 15, 16, 17, 63, 64, 65, 79, 80, 127, 128, 1000, 12288]) {
      const rows = Math.floor(bytes.length / rowBytes);
      const count = Math.min(rows - 1, 7);
      const out = new Uint32Array(count + 2).fill(0xdeadbeef);
      native!.crc32Rows(bytes, rowBytes, 1, count, out, 2);
      expect([...out.subarray(0, 2)]).toEqual([0xdeadbeef, 0xdeadbeef]);
      for (let k = 0; k < count; k++)
        expect(out[2 + k], `rowBytes ${rowBytes} row ${1 + k}`).toBe(
          crc32(bytes.subarray((1 + k) * rowBytes, (2 + k) * rowBytes)),
        );
    }
    const out = new Uint32Array(4);
    expect(() => native!.crc32Rows(bytes, 12288, 3, 2, out, 0)).toThrow(RangeError); // past the end of src
    expect(() => native!.crc32Rows(bytes, 100, 0, 4, out, 1)).toThrow(RangeError); // out too short
    expect(() => native!.crc32Rows(bytes, 0, 0, 1, out, 0)).toThrow(RangeError);
  });
});

describe('pixel memory', () => {
  it('gives zero-filled, writable buffers of the asked size, shared or not', () => {
    for (const bytes of [0, 100, 5 << 20]) {
      const s = sharedPixels(bytes);
      const p = privatePixels(bytes);
      expect(s.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(p.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      for (const v of [s, p]) {
        expect(v.length).toBe(bytes);
        expect(v.every((x) => x === 0)).toBe(true);
        v.fill(3);
        expect(v.every((x) => x === 3)).toBe(true);
      }
    }
  });

  it.skipIf(!native || process.platform !== 'linux')('advises the page-aligned interior of large views only', () => {
    const big = new Uint8Array(new SharedArrayBuffer(9 << 20), 1, 8 << 20);
    const advised = adviseHugePages(big);
    expect(advised % 4096).toBe(0);
    expect(advised).toBeLessThanOrEqual(big.length);
    expect(advised).toBeGreaterThan(big.length - 8192);
    expect(adviseHugePages(new Uint8Array(1 << 20))).toBe(0);
    expect(() => native!.adviseHugePages(new Float32Array(4) as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('cached re-open', () => {
  const images = join(tmp, 'images');
  beforeAll(async () => {
    const files: Record<string, Buffer | string> = { 'notes.txt': 'not an image' };
    for (let i = 0; i < 300; i++) files[`img-${String(i).padStart(3, '0')}.jpg`] = await makeJpeg(80, 60, i);
    writeFiles(images, files);
  }, 60_000);

  const open = (cacheDir?: string) => importFolders({ folders: [{ path: images, label: 1 }], cacheDir });
  const same = async (a: Awaited<ReturnType<typeof open>>) => {
    const fresh = await open();
    expect(a.dataset.paths).toEqual(fresh.dataset.paths);
    expect(Buffer.compare(Buffer.from(a.dataset.pixels), Buffer.from(fresh.dataset.pixels))).toBe(0);
    expect([...a.dataset.labels]).toEqual([...fresh.dataset.labels]);
  };

  for (const withNative of [true, false])
    it(`${withNative ? 'with' : 'without'} the addon: every hit from the cache, also after files were added and removed`, async () => {
      useNativeData(withNative);
      const cacheDir = join(tmp, `cache-${withNative}`);
      await open(cacheDir);
      const warm = await open(cacheDir);
      expect(warm.report.fromCache).toBe(300); // accepted images (notes.txt is a cached rejection)
      expect(warm.report.warnings).toEqual([]);
      await same(warm);
      // A file sorting first shifts every slot by one; a removed one shifts the rest back.
      writeFileSync(join(images, 'a-first.jpg'), await makeJpeg(70, 50, 1000));
      unlinkSync(join(images, 'img-150.jpg'));
      try {
        const shifted = await open(cacheDir);
        expect(shifted.report.fromCache).toBe(299);
        expect(shifted.report.warnings).toEqual([]);
        await same(shifted);
        expect((await open(cacheDir)).report.fromCache).toBe(300);
      } finally {
        unlinkSync(join(images, 'a-first.jpg'));
        writeFileSync(join(images, 'img-150.jpg'), await makeJpeg(80, 60, 150));
      }
    }, 60_000);

  it('a flipped bit in a vector read by the prefetch is caught and that folder decoded again', async () => {
    const cacheDir = join(tmp, 'cache-flip');
    const cold = await open(cacheDir);
    const file = join(cacheDir, readdirSync(cacheDir).find((f) => f.endsWith('.cnvc'))!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 12288 * 100 + 17] ^= 0x40; // inside vector m - 100
    writeFileSync(file, bytes);
    const after = await open(cacheDir);
    expect(after.report.fromCache).toBe(0);
    expect(after.report.warnings.join(' ')).toMatch(/failed its checksum/);
    expect(Buffer.compare(Buffer.from(after.dataset.pixels), Buffer.from(cold.dataset.pixels))).toBe(0);
  }, 60_000);

  it('a cancelled re-open rejects with the reason and leaves the cache usable', async () => {
    const cacheDir = join(tmp, 'cache-cancel');
    await open(cacheDir);
    const controller = new AbortController();
    const reason = new Error('stop');
    const p = importFolders({
      folders: [{ path: images, label: 1 }],
      cacheDir,
      signal: controller.signal,
      onProgress: () => controller.abort(reason),
      progressMs: 0,
    });
    await expect(p).rejects.toBe(reason);
    expect((await open(cacheDir)).report.fromCache).toBe(300);
  }, 60_000);
});
