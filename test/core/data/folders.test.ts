// scanFolder: order, caps, raw (non-UTF-8) directory names, symlinks never followed, cancellation.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFolder } from '../../../src-core/data/folders.js';
import { importFolders } from '../../../src-core/data/import.js';
import { makePng } from '../../helpers/make-images.js';

const tmp = mkdtempSync(join(tmpdir(), 'catnet-folders-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scanFolder', () => {
  it('lists files depth-first in name order and relative keys', async () => {
    const d = join(tmp, 'order');
    for (const p of ['b/2.png', 'b/1.png', 'a.png', 'c.png', 'b/sub/0.png']) {
      mkdirSync(join(d, p, '..'), { recursive: true });
      writeFileSync(join(d, p), 'x');
    }
    const s = await scanFolder(d);
    expect(s.files.map((f) => f.rel)).toEqual(['a.png', 'c.png', 'b/1.png', 'b/2.png', 'b/sub/0.png']);
    expect(s.files[2].path).toBe(join(d, 'b/1.png'));
    expect(s.skipped).toEqual([]);
  });

  it('opens files inside a directory whose name is not UTF-8, and the cache finds them again', async () => {
    const d = join(tmp, 'raw');
    const rawDir = Buffer.concat([Buffer.from(`${d}/`), Buffer.from([0x64, 0xe9, 0x6a, 0xe0])]); // latin-1 "déjà"
    mkdirSync(rawDir, { recursive: true });
    writeFileSync(Buffer.concat([rawDir, Buffer.from('/x.png')]), await makePng(64, 64, 1));
    writeFileSync(join(d, 'ok.png'), await makePng(64, 64, 2));
    const s = await scanFolder(d);
    expect(s.files).toHaveLength(2);
    const raw = s.files.find((f) => f.path.includes('\ufffd'))!;
    expect(Buffer.isBuffer(raw.fsPath)).toBe(true);
    expect(raw.path).toBe(`${d}/d\ufffdj\ufffd/x.png`);
    expect(raw.rel.startsWith('\0')).toBe(true);
    const cacheDir = join(tmp, 'raw-cache');
    const first = await importFolders({ folders: [{ path: d, label: 1 }], cacheDir });
    expect(first.dataset.m).toBe(2);
    const again = await importFolders({ folders: [{ path: d, label: 1 }], cacheDir });
    expect(again.report.fromCache).toBe(2);
    expect(Buffer.compare(Buffer.from(again.dataset.pixels), Buffer.from(first.dataset.pixels))).toBe(0);
  });

  it('stops at maxFiles and maxDepth with warnings', async () => {
    const d = join(tmp, 'caps');
    mkdirSync(join(d, 'a', 'b', 'c'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(d, `${i}.png`), 'x');
    writeFileSync(join(d, 'a', 'b', 'c', 'deep.png'), 'x');
    const capped = await scanFolder(d, { maxFiles: 3 });
    expect(capped.files).toHaveLength(3);
    expect(capped.capped).toBe(true);
    expect(capped.warnings[0]).toMatch(/after 3 files/);
    const shallow = await scanFolder(d, { maxDepth: 2 });
    expect(shallow.files.map((f) => f.rel)).not.toContain('a/b/c/deep.png');
    expect(shallow.warnings[0]).toMatch(/deeper than 2 levels/);
    const fewDirs = await scanFolder(d, { maxDirs: 2 });
    expect(fewDirs.capped).toBe(true);
    expect(fewDirs.files.map((f) => f.rel)).toEqual(['0.png', '1.png', '2.png', '3.png', '4.png']);
    expect(fewDirs.warnings[0]).toMatch(/after 2 folders/);
  });

  it('never follows symlinks, even a loop back to the root', async () => {
    const d = join(tmp, 'links');
    mkdirSync(join(d, 'real'), { recursive: true });
    writeFileSync(join(d, 'real', 'f.png'), 'x');
    symlinkSync('..', join(d, 'real', 'up'));
    symlinkSync('/', join(d, 'slash'));
    const s = await scanFolder(d);
    expect(s.files.map((f) => f.rel)).toEqual(['real/f.png']);
    expect(s.skipped.map((k) => [k.path.slice(d.length + 1), k.reason]).sort()).toEqual([
      ['real/up', 'link-inside'],
      ['slash', 'symlink-outside'],
    ]);
  });

  it('is cancellable and reports a missing folder instead of throwing', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(scanFolder(tmp, { signal: ac.signal })).rejects.toThrow('stop');
    const missing = await scanFolder(join(tmp, 'nope'));
    expect(missing.skipped[0].reason).toBe('vanished');
  });
});
