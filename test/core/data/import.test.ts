// The whole import on a folder that mixes the course images with every kind of bad input (corrupt,
// truncated, empty, unreadable, not an image, too small, vanishing mid-import, duplicates, links):
// every good image is imported, every bad one is reported with the right reason, nothing throws.
// Oracle: preprocessImage on the same bytes, and a table of expected outcomes written by hand.

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
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
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocessImage } from '../../../src-core/data/images.js';
import { importFolders } from '../../../src-core/data/import.js';
import type { RejectReason } from '../../../src-core/data/reasons.js';
import { formatImportSummary } from '../../../src-core/data/report.js';
import { courseDataMissing, coursePath } from '../../helpers/course-data.js';
import {
  animatedGif,
  exifPair,
  fromRaw,
  jpegHeaderOnly,
  makeJpeg,
  makePng,
  pngClaiming,
  tinyBmp,
  writeFiles,
} from '../../helpers/make-images.js';

const COURSE = coursePath('train');
const hasCourse = courseDataMissing('import test runs without the course images') === null;

const isRoot = process.getuid?.() === 0;
const canDropPrivileges = isRoot && typeof process.seteuid === 'function';
if (isRoot)
  console.warn(
    'running as root: chmod 000 does not stop root from reading, so the permission cases run with the ' +
      'effective uid switched to 65534 (nobody) for the duration of the import',
  );

const tmp = mkdtempSync(join(tmpdir(), 'catnet-import-'));
const pos = join(tmp, 'pos');
const neg = join(tmp, 'neg');
const outside = join(tmp, 'outside');
/** Expected outcome per path relative to tmp: 'ok' or a reason. */
const expected = new Map<string, 'ok' | RejectReason>();
const NON_UTF8 = Buffer.concat([Buffer.from(`${pos}/`), Buffer.from([0x63, 0xff, 0xfe, 0x2e]), Buffer.from('png')]);

afterAll(() => {
  for (const d of [join(pos, 'locked-dir'), join(pos, 'locked.png')]) if (existsSync(d)) chmodSync(d, 0o755);
  rmSync(tmp, { recursive: true, force: true });
});

beforeAll(async () => {
  chmodSync(tmp, 0o755); // readable by the unprivileged uid the permission cases use
  const good: Record<string, Buffer> = {
    'photo.jpg': await makeJpeg(400, 350, 1),
    'photo-copy.jpg': await makeJpeg(400, 350, 1),
    'cmyk.jpg': await fromRaw(120, 100, 2).toColourspace('cmyk').jpeg().toBuffer(),
    'rgba16.png': await fromRaw(90, 90, 3, 4).toColourspace('rgb16').png().toBuffer(),
    'palette-alpha.png': await fromRaw(90, 90, 4, 4).png({ palette: true }).toBuffer(),
    'grey.png': await fromRaw(80, 64, 5).toColourspace('b-w').png().toBuffer(),
    'exif6.webp': (await exifPair(96, 64, 6)).oriented6,
    'animated.gif': (await animatedGif(70, 70, 3)).gif,
    'one-pixel.png': await makePng(1, 1, 7),
    'needle.png': await makePng(1, 5000, 8),
    'scan.tiff': await fromRaw(100, 80, 9).tiff({ compression: 'lzw' }).toBuffer(),
    'modern.avif': await fromRaw(100, 80, 10).avif().toBuffer(),
    'wrong-extension.txt': await makePng(64, 64, 11), // content decides, not the name
    'in-both-classes.png': await makePng(100, 100, 12),
    'zzz-vanishes.png': await makePng(64, 64, 13),
  };
  const bad: Record<string, [Buffer | string, RejectReason]> = {
    'empty.jpg': [Buffer.alloc(0), 'empty'],
    'text-renamed.png': ['just some notes, not a picture\n', 'not-an-image'],
    'truncated.png': [(await makePng(200, 150, 20)).subarray(0, 3000), 'corrupt'],
    'truncated.jpg': [(await makeJpeg(400, 350, 21)).subarray(0, 6000), 'corrupt'],
    'header-only.jpg': [jpegHeaderOnly(await makeJpeg(400, 350, 22)), 'corrupt'],
    'bomb.png': [pngClaiming(100_000, 100_000), 'too-many-pixels'],
    'svg-reads-a-file.jpg': [
      `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><image href="file://${outside}/secret.png" width="64" height="64"/></svg>`,
      'unsupported-format',
    ],
    'old.bmp': [tinyBmp(), 'unsupported-format'],
    'document.jpg': ['%PDF-1.7\n%%EOF\n', 'unsupported-format'],
    '.DS_Store': [Buffer.from([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31, 0, 0, 0x10, 0]), 'not-an-image'],
    'locked.png': [await makePng(64, 64, 23), 'permission-denied'],
  };
  mkdirSync(pos, { recursive: true });
  chmodSync(pos, 0o777); // the unprivileged uid deletes zzz-vanishes.png during the import
  writeFiles(pos, good);
  for (const [name, [data, reason]] of Object.entries(bad)) {
    writeFileSync(join(pos, name), data);
    expected.set(`pos/${name}`, reason);
  }
  for (const name of Object.keys(good)) expected.set(`pos/${name}`, 'ok');
  expected.set('pos/zzz-vanishes.png', 'vanished');
  chmodSync(join(pos, 'locked.png'), 0o000);

  // A non-UTF-8 file name (bytes 0xff 0xfe) holding a good image.
  writeFileSync(NON_UTF8, await makePng(64, 64, 24));
  expected.set(`pos/c\ufffd\ufffd.png`, 'ok');

  // Links: a loop to the folder itself, two links pointing at each other, a dangling one, one outside.
  writeFiles(outside, { 'secret.png': await makePng(64, 64, 25) });
  symlinkSync('.', join(pos, 'loop'));
  symlinkSync('ping', join(pos, 'pong'));
  symlinkSync('pong', join(pos, 'ping'));
  symlinkSync('nowhere.png', join(pos, 'dangling.png'));
  symlinkSync(join(outside, 'secret.png'), join(pos, 'outside.png'));
  symlinkSync(outside, join(pos, 'outside-dir'));
  symlinkSync('photo.jpg', join(pos, 'alias.jpg'));
  expected.set('pos/loop', 'link-inside');
  expected.set('pos/ping', 'broken-link');
  expected.set('pos/pong', 'broken-link');
  expected.set('pos/dangling.png', 'broken-link');
  expected.set('pos/outside.png', 'symlink-outside');
  expected.set('pos/outside-dir', 'symlink-outside');
  expected.set('pos/alias.jpg', 'link-inside');

  // A FIFO: opening it must neither hang nor crash.
  execFileSync('mkfifo', [join(pos, 'pipe.jpg')]);
  expected.set('pos/pipe.jpg', 'not-a-file');

  // 200 levels deep, an image at the bottom.
  let deep = join(pos, 'deep');
  let rel = 'pos/deep';
  for (let i = 0; i < 199; i++) {
    deep = join(deep, 'd');
    rel += '/d';
  }
  writeFiles(deep, { 'bottom.png': await makePng(64, 64, 26) });
  expected.set(`${rel}/bottom.png`, 'ok');

  // An unreadable folder.
  writeFiles(join(pos, 'locked-dir'), { 'hidden.png': await makePng(64, 64, 27) });
  chmodSync(join(pos, 'locked-dir'), 0o000);
  expected.set('pos/locked-dir', 'permission-denied');

  // Negative class: generated images plus one image also in the positive class.
  writeFiles(neg, {
    'n1.jpg': await makeJpeg(300, 400, 30),
    'n2.png': await makePng(64, 64, 31),
    'in-both-classes.png': good['in-both-classes.png'],
  });
  for (const n of ['n1.jpg', 'n2.png', 'in-both-classes.png']) expected.set(`neg/${n}`, 'ok');

  if (hasCourse)
    for (const [cls, dir] of [
      ['cat', pos],
      ['non-cat', neg],
    ]) {
      mkdirSync(join(dir, 'course'), { recursive: true });
      for (const f of readdirSync(join(COURSE, cls))) {
        copyFileSync(join(COURSE, cls, f), join(dir, 'course', f));
        expected.set(`${dir === pos ? 'pos' : 'neg'}/course/${f}`, 'ok');
      }
    }
}, 120_000);

function relOf(path: string): string {
  return path.slice(tmp.length + 1);
}

describe('importFolders on a folder of every bad input', () => {
  it('imports every good image, reports every bad one with the right reason, and never throws', async () => {
    let progressCalls = 0;
    let lastDone = 0;
    const run = () =>
      importFolders({
        folders: [
          { path: pos, label: 1 },
          { path: neg, label: 0 },
        ],
        classNames: ['cat', 'non-cat'],
        progressMs: 0,
        onProgress: (p) => {
          if (progressCalls++ === 0) unlinkSync(join(pos, 'zzz-vanishes.png')); // deleted mid-import
          expect(p.done).toBeGreaterThanOrEqual(lastDone);
          expect(p.done).toBeLessThanOrEqual(p.total);
          expect(Number.isFinite(p.rate) && p.rate >= 0).toBe(true);
          expect([pos, neg]).toContain(p.folder);
          lastDone = p.done;
        },
      });
    let result: Awaited<ReturnType<typeof run>>;
    if (canDropPrivileges) {
      // The uid 65534 may not be able to read the checkout (a clone in a 0700 folder): everything the
      // import loads lazily (package.json for appRoot, both addons) is loaded first, by a small import
      // of a JPEG and a PNG as root.
      const warm = join(tmp, 'warm-up');
      writeFiles(warm, { 'a.jpg': await makeJpeg(64, 64, 90), 'b.png': await makePng(64, 64, 91) });
      const warmed = await importFolders({ folders: [{ path: warm, label: 1 }], classNames: ['cat', 'non-cat'] });
      expect(warmed.report.accepted).toBe(2);
      process.seteuid!(65534);
      try {
        result = await run();
      } finally {
        process.seteuid!(0);
      }
    } else result = await run();
    const { dataset, report } = result;

    const seen = new Map<string, 'ok' | RejectReason>();
    for (const f of report.files) {
      expect(f.path.startsWith(tmp), f.path).toBe(true);
      seen.set(relOf(f.path), f.accepted ? 'ok' : f.reason!);
      if (!f.accepted) expect(f.message!.length, f.path).toBeGreaterThan(5);
    }
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));

    const nOk = [...expected.values()].filter((v) => v === 'ok').length;
    expect(report.accepted).toBe(nOk);
    expect(dataset.m).toBe(nOk);
    expect(report.skipped.length).toBe(expected.size - nOk);
    expect(progressCalls).toBeGreaterThan(0);
    expect(lastDone).toBe(report.folders.reduce((s, f) => s + f.files, 0));

    // Rows hold what preprocessImage gives for the same bytes, with the folder's label.
    for (const name of ['photo.jpg', 'cmyk.jpg', 'exif6.webp', 'wrong-extension.txt']) {
      const row = report.files.find((f) => f.path === join(pos, name))!.row!;
      const oracle = await preprocessImage(readFileSync(join(pos, name)));
      expect(Buffer.compare(Buffer.from(dataset.vector(row)), Buffer.from(oracle)), name).toBe(0);
      expect(dataset.labels[row]).toBe(1);
      expect(dataset.paths[row]).toBe(join(pos, name));
    }
    const n1 = report.files.find((f) => f.path === join(neg, 'n1.jpg'))!.row!;
    expect(dataset.labels[n1]).toBe(0);
    expect(dataset.counts().positive + dataset.counts().negative).toBe(dataset.m);
    expect(dataset.counts().negative).toBe(report.folders[1].accepted);

    // Duplicates and the image present in both classes.
    const sortDeep = (g: string[][]) => g.map((x) => [...x].sort()).sort();
    expect(sortDeep(report.duplicates)).toEqual(
      sortDeep([
        [join(pos, 'photo.jpg'), join(pos, 'photo-copy.jpg')],
        [join(pos, 'in-both-classes.png'), join(neg, 'in-both-classes.png')],
      ]),
    );
    expect([...report.inBothClasses].sort()).toEqual([
      join(neg, 'in-both-classes.png'),
      join(pos, 'in-both-classes.png'),
    ]);
    expect(report.warnings.some((w) => w.includes('both classes'))).toBe(true);

    const summary = formatImportSummary(report).join('\n');
    expect(summary).toContain(`Imported ${nOk} of`);
    expect(summary).toContain('permission denied');
  });

  it('refuses nothing silently: a missing folder is one skipped entry, not an exception', async () => {
    const { dataset, report } = await importFolders({ folders: [{ path: join(tmp, 'no-such-folder'), label: 1 }] });
    expect(dataset.m).toBe(0);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0].reason).toBe('vanished');
    const file = await importFolders({ folders: [{ path: join(neg, 'n2.png'), label: 1 }] });
    expect(file.report.skipped[0].reason).toBe('not-a-file');
  });

  it('imports nothing from no folders, without complaint', async () => {
    const { dataset, report } = await importFolders({ folders: [] });
    expect(dataset.m).toBe(0);
    expect(report.files).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('caps very large trees with a warning', async () => {
    const { dataset, report } = await importFolders({ folders: [{ path: neg, label: 0 }], maxFiles: 2 });
    expect(report.folders[0].files).toBe(2);
    expect(report.folders[0].capped).toBe(true);
    expect(dataset.m).toBeLessThanOrEqual(2);
    expect(report.warnings.join(' ')).toMatch(/Stopped listing .* after 2 files/);
  });

  it('warns about class imbalance', async () => {
    const { report } = await importFolders({
      folders: [
        { path: join(pos, 'deep'), label: 1 },
        { path: neg, label: 0 },
      ],
      classNames: ['cat', 'non-cat'],
    });
    expect(report.warnings.join(' ')).toMatch(/Only 1 'cat' images/);
  });

  it('can be cancelled before and during the import', async () => {
    const before = new AbortController();
    before.abort();
    await expect(importFolders({ folders: [{ path: pos, label: 1 }], signal: before.signal })).rejects.toThrow();
    const during = new AbortController();
    let calls = 0;
    await expect(
      importFolders({
        folders: [{ path: neg, label: 1 }],
        signal: during.signal,
        progressMs: 0,
        concurrency: 1,
        onProgress: () => {
          if (calls++ === 0) during.abort(new Error('user cancelled'));
        },
      }),
    ).rejects.toThrow('user cancelled');
    expect(calls).toBe(1);
  });

  it('gives identical datasets with concurrency 1 and 8 (order does not depend on timing)', async () => {
    const a = await importFolders({ folders: [{ path: neg, label: 0 }], concurrency: 1 });
    const b = await importFolders({ folders: [{ path: neg, label: 0 }], concurrency: 8 });
    expect(b.dataset.paths).toEqual(a.dataset.paths);
    expect(Buffer.compare(Buffer.from(a.dataset.pixels), Buffer.from(b.dataset.pixels))).toBe(0);
    expect((await sharp(await makePng(8, 8, 1)).metadata()).width).toBe(8); // sharp still usable
  });
});
