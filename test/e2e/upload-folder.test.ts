// Folders into a class in browser mode, in a real Chromium: "Choose folder…" (setInputFiles on the
// webkitdirectory input) with a real folder of sub-folders and bad files, and a drop dispatched with a
// DataTransfer built in the page. The oracle is the same folder added by path: same count, same
// skipped files; the grid shows relative paths; a reload keeps the uploaded images; a folder over the
// upload cap is refused with a message naming the cap. Screenshots go to test-output/e2e-upload/.

import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';
import { docScreenshot } from '../helpers/doc-screenshot.js';
import { makeJpeg, makePng, rawPixels, writeFiles } from '../helpers/make-images.js';

const OUT = 'test-output/e2e-upload';

describeInChromium('uploading folders in chromium (browser mode)', () => {
  const app = useBrowserApp({ env: { CATNET_UPLOAD_MB: '1' } });
  let work: string;
  let page: Page;
  let problems: string[] = [];
  const text = async (testid: string): Promise<string> => (await page.getByTestId(testid).textContent()) ?? '';
  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'catnet-e2e-upload-'));
    // "cats": 6 images over three levels, a text file and a broken JPEG.
    writeFiles(join(work, 'cats'), { 'a.png': await makePng(70, 50, 1), 'b.jpg': await makeJpeg(64, 64, 2) });
    writeFiles(join(work, 'cats', 'kittens'), {
      'c.png': await makePng(40, 90, 3),
      'd.jpg': await makeJpeg(90, 90, 4),
      'notes.txt': 'not an image',
    });
    writeFiles(join(work, 'cats', 'kittens', 'deep'), {
      'e.png': await makePng(64, 64, 5),
      'f.jpg': await makeJpeg(120, 80, 6),
      'broken.jpg': 'JFIF but not really',
    });
    // Loose files for the drop.
    writeFiles(join(work, 'dogs'), { 'g.png': await makePng(64, 64, 7), 'h.jpg': await makeJpeg(50, 60, 8) });
    // A folder over the 1 MB upload cap set below: one noisy 800x800 PNG.
    const noise = await sharp(rawPixels(800, 800, 9), { raw: { width: 800, height: 800, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    writeFiles(join(work, 'huge'), { 'noise.png': noise });
    ({ page, problems } = await app.openPage({ console: false }));
    await page.setViewportSize({ width: 1360, height: 1000 });
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('imports a chosen folder and a dropped one like folders on disk, and keeps them', {
    timeout: 60_000,
  }, async () => {
    onTestFailed(async () => {
      await shot('failure').catch(() => undefined);
      console.warn(`problems: ${JSON.stringify(problems)}; server stderr:\n${app.server.stderr()}`);
    });
    await page.goto(app.server.url);
    await expect.poll(() => text('engine-info'), { timeout: 15_000 }).toContain('catnet ');

    // The oracle: the same folder by path, as a test folder.
    await page.locator('summary', { hasText: 'Test images' }).click();
    await page.getByTestId('add-path-input-test-positive').fill(join(work, 'cats'));
    await page.getByTestId('add-path-button-test-positive').click();
    await expect.poll(() => text('count-test-positive'), { timeout: 30_000 }).toBe('6 images');

    // 1. "Choose folder…": the directory input with the real folder.
    await page.getByTestId('choose-folder-train-positive').setInputFiles(join(work, 'cats'));
    await expect.poll(() => text('count-train-positive'), { timeout: 30_000 }).toBe('6 images');
    const zone = page.getByTestId('drop-zone-train-positive');
    await expect.poll(() => zone.textContent()).toContain('cats (uploaded)');
    const report = page.getByTestId('import-report');
    await expect.poll(() => report.textContent()).toContain('broken.jpg');
    expect(await report.textContent()).toContain('notes.txt');
    const summaries = await page.getByTestId('import-summary').allTextContents();
    expect(summaries.filter((s) => s.startsWith('6 added, 2 skipped'))).toHaveLength(2);
    // The grid's tooltips carry the path inside the uploaded folder.
    await expect
      .poll(async () => (await zone.locator('[data-testid^="thumb-"]').first().getAttribute('title')) ?? '', {
        timeout: 15_000,
      })
      .toMatch(/^cats\/(a\.png|b\.jpg|kittens\/)/);
    await expect.poll(() => zone.locator('img').count(), { timeout: 15_000 }).toBe(6);
    await shot('chosen-folder');
    await docScreenshot(zone, OUT, 'upload-folder');

    // 2. A drop of two files, with a DataTransfer built in the page.
    const dropped = ['g.png', 'h.jpg'].map((name) => ({
      name,
      bytes: [...readFileSync(join(work, 'dogs', name))],
      type: name.endsWith('png') ? 'image/png' : 'image/jpeg',
    }));
    const transfer = await page.evaluateHandle((files) => {
      // The page's DOM classes (this file is type-checked without the DOM library).
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
      };
      const data = new dom.DataTransfer();
      for (const f of files) data.items.add(new dom.File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      return data;
    }, dropped);
    await page.getByTestId('drop-zone-train-negative').dispatchEvent('drop', { dataTransfer: transfer });
    await expect.poll(() => text('count-train-negative'), { timeout: 30_000 }).toBe('2 images');
    await expect.poll(() => page.getByTestId('drop-zone-train-negative').textContent()).toContain('files (uploaded)');

    // 3. Over the upload cap: refused before anything is sent, with the cap named.
    await page.getByTestId('choose-folder-test-negative').setInputFiles(join(work, 'huge'));
    await expect
      .poll(() => page.getByTestId('banner-error').textContent(), { timeout: 15_000 })
      .toMatch(/one upload takes at most 1\.0 MB/);
    expect(await text('count-test-negative')).toBe('0 images');
    await shot('cap-refused');

    // 4. A reload keeps the uploaded folders (a restart is covered by test/main/uploads.test.ts).
    await page.reload();
    await expect.poll(() => text('count-train-positive'), { timeout: 30_000 }).toBe('6 images');
    expect(await text('count-train-negative')).toBe('2 images');
    expect(problems).toEqual([]);
  });
});
