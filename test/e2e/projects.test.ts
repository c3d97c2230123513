// Several projects in a real Chromium (browser mode): add folders, Save as…, New project (empty),
// Open… it again (folders and counts back, its name in the header); then a folder moves on disk and
// opening the project names the missing folder, keeps the rest and lets it be removed.
// Screenshots go to test-output/e2e-projects/.

import { mkdirSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';
import { docScreenshot } from '../helpers/doc-screenshot.js';
import { writeFiles } from '../helpers/make-images.js';
import { tinted } from '../helpers/red-vs-blue.js';

const OUT = 'test-output/e2e-projects';

describeInChromium('several projects in chromium', () => {
  const app = useBrowserApp();
  let work: string;
  let page: Page;
  let problems: string[] = [];
  const text = async (testid: string): Promise<string> => ((await page.getByTestId(testid).textContent()) ?? '').trim();
  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'catnet-e2e-projects-'));
    for (const [name, rgb, n] of [
      ['reds', [220, 40, 40], 6],
      ['blues', [40, 40, 220], 4],
    ] as const) {
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < n; i++) files[`${i}.png`] = await tinted([...rgb], i + n * 10);
      writeFiles(join(work, name), files);
    }
    ({ page, problems } = await app.openPage());
    await page.setViewportSize({ width: 1360, height: 900 });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('saves, starts anew, reopens, and names a folder that moved', { timeout: 60_000 }, async () => {
    onTestFailed(async () => {
      await shot('failure').catch(() => undefined);
      console.warn(`problems: ${JSON.stringify(problems)}; server stderr:\n${app.server.stderr()}`);
    });
    await page.goto(app.server.url);
    await expect.poll(() => text('engine-info'), { timeout: 15_000 }).toContain('catnet ');
    const add = async (role: string, folder: string, expected: string) => {
      await page.getByTestId(`add-path-input-${role}`).fill(join(work, folder));
      await page.getByTestId(`add-path-button-${role}`).click();
      await expect.poll(() => text(`count-${role}`), { timeout: 30_000 }).toBe(expected);
    };
    await add('train-positive', 'reds', '6 images');
    await add('train-negative', 'blues', '4 images');

    // Save as…
    await page.getByTestId('save-project-button').click();
    await page.getByTestId('project-name-input').fill('Reds and blues');
    await page.getByTestId('project-save-button').click();
    await expect.poll(() => text('project-name')).toBe('Reds and blues');

    // New project: empty.
    await page.getByTestId('new-project-button').click();
    await expect.poll(() => text('count-train-positive'), { timeout: 15_000 }).toBe('0 images');
    expect(await page.getByTestId('project-name').count()).toBe(0);

    // Open… lists it; opening brings everything back.
    await page.getByTestId('open-project-button').click();
    await page.getByTestId('open-project-Reds and blues').waitFor();
    expect(await text('projects-panel')).toMatch(/Reds and blues\s+2 folders · no model · 0 runs/);
    await shot('open-panel');
    await docScreenshot({ page, downTo: page.getByTestId('projects-panel') }, OUT, 'projects');
    await page.getByTestId('open-project-Reds and blues').click();
    await expect.poll(() => text('count-train-positive'), { timeout: 30_000 }).toBe('6 images');
    expect(await text('count-train-negative')).toBe('4 images');
    expect(await text('project-name')).toBe('Reds and blues');
    // The grids show the reopened images' thumbnails.
    await expect
      .poll(() => page.getByTestId('drop-zone-train-positive').locator('img').count(), { timeout: 15_000 })
      .toBe(6);

    // The blues folder moves: opening the project again says which folder is missing, keeps the rest.
    await page.getByTestId('new-project-button').click();
    await expect.poll(() => text('count-train-positive'), { timeout: 15_000 }).toBe('0 images');
    await rename(join(work, 'blues'), join(work, 'blues-moved'));
    await page.getByTestId('open-project-button').click();
    await page.getByTestId('open-project-Reds and blues').click();
    await expect.poll(() => text('count-train-positive'), { timeout: 30_000 }).toBe('6 images');
    await expect
      .poll(() => text('banner-notice'))
      .toContain(`The folder ${join(work, 'blues')} could not be imported again`);
    expect(await text('banner-notice')).toContain('everything else was kept');
    expect(await text('count-train-negative')).toBe('0 images');
    expect(await text('drop-zone-train-negative')).toContain('missing: moved or deleted');
    await shot('missing-folder');
    // Remove it, and add it from where it is now.
    await page.getByRole('button', { name: `Remove folder ${join(work, 'blues')}` }).click();
    await expect.poll(() => page.getByTestId('missing-folder').count()).toBe(0);
    await add('train-negative', 'blues-moved', '4 images');
    expect(problems).toEqual([]);
  });
});
