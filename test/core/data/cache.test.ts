// The vector cache: a second import reads vectors instead of decoding, gives the same dataset, notices
// changed files, and a damaged cache file is detected, ignored and rebuilt (never trusted).

import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocessImage } from '../../../src-core/data/images.js';
import { importFolders } from '../../../src-core/data/import.js';
import { makeJpeg, makePng, writeFiles } from '../../helpers/make-images.js';

const tmp = mkdtempSync(join(tmpdir(), 'catnet-cache-'));
const images = join(tmp, 'images');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  const files: Record<string, Buffer | string> = {
    'notes.txt': 'not an image',
    'broken.png': Buffer.from([0x89, 0x50]),
  };
  for (let i = 0; i < 12; i++) files[`img-${i}.jpg`] = await makeJpeg(200, 150, i);
  files['sub/tiny.png'] = await makePng(64, 64, 99);
  writeFiles(images, { 'notes.txt': files['notes.txt'] });
  writeFiles(join(images, 'sub'), { 'tiny.png': files['sub/tiny.png'] });
  delete files['sub/tiny.png'];
  writeFiles(images, files);
});

const cacheDirOf = (name: string) => join(tmp, name);
const run = (cacheDir: string, resize: 'cover' | 'fill' = 'cover') =>
  importFolders({ folders: [{ path: images, label: 1 }], cacheDir, resize });

function sameDataset(a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>): void {
  expect(b.dataset.paths).toEqual(a.dataset.paths);
  expect(Buffer.compare(Buffer.from(a.dataset.pixels), Buffer.from(b.dataset.pixels))).toBe(0);
  expect(b.report.skipped.map((s) => [s.path, s.reason])).toEqual(a.report.skipped.map((s) => [s.path, s.reason]));
}

describe('vector cache', () => {
  it('re-opening reads every vector from the cache and gives the same dataset', async () => {
    const dir = cacheDirOf('c1');
    const cold = await run(dir);
    expect(cold.report.fromCache).toBe(0);
    expect(cold.dataset.m).toBe(13);
    expect(readdirSync(dir).filter((f) => f.endsWith('.cnvc'))).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toHaveLength(0);
    const warm = await run(dir);
    expect(warm.report.fromCache).toBe(13);
    expect(warm.report.files.filter((f) => !f.accepted).every((f) => f.fromCache)).toBe(true);
    sameDataset(cold, warm);
  });

  it('re-decodes a file whose size or mtime changed, and uses a separate cache per resize mode', async () => {
    const dir = cacheDirOf('c2');
    await run(dir);
    const changed = join(images, 'img-3.jpg');
    const newBytes = await makeJpeg(220, 150, 1234);
    writeFileSync(changed, newBytes);
    utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    const after = await run(dir);
    expect(after.report.fromCache).toBe(12);
    // a miss in the middle splits the cached runs: the whole dataset must still equal a fresh decode
    sameDataset(await importFolders({ folders: [{ path: images, label: 1 }] }), after);
    const row = after.dataset.paths.indexOf(changed);
    expect(Buffer.compare(Buffer.from(after.dataset.vector(row)), Buffer.from(await preprocessImage(newBytes)))).toBe(
      0,
    );
    const fill = await run(dir, 'fill');
    expect(fill.report.fromCache).toBe(0);
    expect((await run(dir, 'fill')).report.fromCache).toBe(13);
    expect((await run(dir)).report.fromCache).toBe(13);
  });

  const damages: [string, (file: string) => void][] = [
    [
      'a flipped bit in a vector',
      (f) => {
        const b = readFileSync(f);
        b[b.length - 100] ^= 0x10;
        writeFileSync(f, b);
      },
    ],
    [
      'a flipped bit in the index',
      (f) => {
        const b = readFileSync(f);
        b[64 + 6] ^= 0x01;
        writeFileSync(f, b);
      },
    ],
    ['truncation', (f) => truncateSync(f, Math.floor(readFileSync(f).length / 2))],
    ['a wrong magic', (f) => writeFileSync(f, Buffer.concat([Buffer.from('GARBAGE!'), readFileSync(f).subarray(8)]))],
    ['zero bytes', (f) => writeFileSync(f, '')],
    ['a header only', (f) => truncateSync(f, 48)],
  ];
  for (const [what, damage] of damages)
    it(`detects ${what}, ignores the cache, rebuilds it`, async () => {
      const dir = cacheDirOf(`damaged-${what.replace(/\W+/g, '-')}`);
      const cold = await run(dir);
      const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cnvc'))!);
      damage(file);
      const after = await run(dir);
      expect(after.report.fromCache).toBe(0);
      expect(after.report.folders[0].cache).toBe('corrupt');
      expect(after.report.warnings.join(' ')).toMatch(/cache .* was damaged .* rebuilt/);
      sameDataset(cold, after);
      const again = await run(dir);
      expect(again.report.fromCache).toBe(13);
      expect(again.report.warnings).toEqual([]);
      sameDataset(cold, again);
    });

  it('imports without a cache when the cache folder cannot be created, with a warning', async () => {
    const blocker = join(tmp, 'a-file');
    writeFileSync(blocker, 'x');
    const r = await run(join(blocker, 'cache'));
    expect(r.dataset.m).toBe(13);
    expect(r.report.warnings.join(' ')).toMatch(/cache/);
  });
});

describe('cache pruning', () => {
  it('deletes our cache files unused for 60 days and crash leftovers, keeps the rest', async () => {
    const { pruneCache } = await import('../../../src-core/data/cache/prune.js');
    const dir = cacheDirOf('prune');
    const old = Date.now() / 1000 - 61 * 86_400;
    const files = {
      'vectors-old.cnvc': old,
      'vectors-new.cnvc': Date.now() / 1000,
      'vectors-x.cnvc.1.ab.tmp': Date.now() / 1000 - 7200,
      'someone-elses.cnvc': old,
    };
    writeFiles(dir, Object.fromEntries(Object.keys(files).map((k) => [k, 'x'])));
    for (const [name, t] of Object.entries(files)) utimesSync(join(dir, name), t, t);
    expect(await pruneCache(dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['someone-elses.cnvc', 'vectors-new.cnvc']);
    expect(await pruneCache(join(dir, 'missing'))).toBe(0);
  });

  it('an import keeps the cache files it uses fresh', async () => {
    const dir = cacheDirOf('touch');
    await run(dir);
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cnvc'))!);
    const old = Date.now() / 1000 - 61 * 86_400;
    utimesSync(file, old, old);
    const again = await run(dir);
    expect(again.report.fromCache).toBe(13);
    expect(readdirSync(dir)).toContain(file.slice(dir.length + 1));
    expect((await run(dir)).report.fromCache).toBe(13);
  });
});
