// loadImages (the predict loader) against loadImageFile one file at a time: same pixels in file
// order for the accepted files, every other file rejected with its reason, symlinks named by the
// user followed.

import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadImageFile } from '../../../src-core/data/images.js';
import { loadImages } from '../../../src-core/data/load-images.js';
import { makeJpeg, makePng } from '../../helpers/make-images.js';

const dir = mkdtempSync(join(tmpdir(), 'catnet-load-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('gives the pixels loadImageFile gives, in file order, and a reason for every other file', async () => {
  const files: Record<string, Buffer | string> = {
    'a.jpg': await makeJpeg(300, 220, 1),
    'b.png': await makePng(90, 70, 2),
    'c.txt': 'not an image',
    'd.jpg': await makeJpeg(64, 64, 3),
    'e.jpg': (await makeJpeg(200, 200, 4)).subarray(0, 500),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  symlinkSync(join(dir, 'a.jpg'), join(dir, 'link.jpg'));
  const names = ['a.jpg', 'b.png', 'c.txt', 'missing.jpg', 'd.jpg', 'e.jpg', 'link.jpg'];
  const paths = names.map((n) => join(dir, n));
  for (const concurrency of [1, 4]) {
    const { pixels, accepted, rejected } = await loadImages(paths, 'contain', concurrency);
    expect(accepted.map((k) => names[k])).toEqual(['a.jpg', 'b.png', 'd.jpg', 'link.jpg']);
    expect(rejected.map((r) => [names[r.index], r.reason])).toEqual([
      ['c.txt', 'not-an-image'],
      ['missing.jpg', 'vanished'],
      ['e.jpg', 'corrupt'],
    ]);
    expect(pixels.length).toBe(accepted.length * 12288);
    for (const [row, k] of accepted.entries()) {
      const one = await loadImageFile(paths[k], { resize: 'contain' });
      expect(Buffer.from(pixels.subarray(row * 12288, (row + 1) * 12288)).equals(Buffer.from(one)), names[k]).toBe(
        true,
      );
    }
  }
});
