// The convolutional path in a real Chromium against browser mode, on real photos: 40 cats and 40 dogs
// from ../shared/datasets/pets; the layers field refuses a bad text; the "Small CNN" preset (layers
// text and augmentation on) trains a few epochs; history shows the layers; clicking an image
// classifies it and shows what the network learned (saliency over the input, the first conv layer's
// feature maps and filters); the model exports as .onnx. Screenshots go to test-output/e2e-cnn/
// (CATNET_UPDATE_SCREENSHOT=1 also writes the README's docs/learned.png).

import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectState } from '../../src-main/contract.js';
import { useBrowserApp } from '../helpers/browser-app.js';
import { chromiumMissing } from '../helpers/chromium.js';
import { SHARED_DIR, sharedDataMissing } from '../helpers/course-data.js';

const PETS = join(SHARED_DIR, 'datasets', 'pets', 'train');
const OUT = 'test-output/e2e-cnn';
const PER_CLASS = 40;
const EPOCHS = 4;
const petsMissing = sharedDataMissing(
  [join(PETS, 'cat'), join(PETS, 'dog')],
  'cnn-path e2e skipped',
  'the pets photos belong in ../shared/datasets/pets',
);

/** The first `n` photos of a class, copied (the loader does not follow links out of a folder). */
function copyPhotos(kind: 'cat' | 'dog', to: string, n: number): void {
  mkdirSync(to, { recursive: true });
  const names = readdirSync(join(PETS, kind))
    .filter((f) => f.endsWith('.jpg'))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .slice(0, n);
  for (const name of names) copyFileSync(join(PETS, kind, name), join(to, name));
}

describe.skipIf(chromiumMissing !== null || petsMissing !== null)('a small CNN on real photos (browser mode)', () => {
  const app = useBrowserApp();
  let work: string;
  let page: Page;
  let problems: string[];
  let step = 0;
  const shot = async (name: string, target?: Locator): Promise<string> => {
    const file = join(OUT, `${String(++step).padStart(2, '0')}-${name}.png`);
    await page.mouse.move(0, 0);
    if (target) await target.screenshot({ path: file });
    else await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'catnet-cnn-e2e-'));
    copyPhotos('cat', join(work, 'cat'), PER_CLASS);
    copyPhotos('dog', join(work, 'dog'), PER_CLASS);
  });

  afterAll(async () => {
    await page?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('trains the Small CNN preset, shows what it learned about a clicked photo, and exports', async () => {
    await app.api('setClassNames', [['Cat', 'Dog']]);
    await app.api('addFolder', ['train-positive', join(work, 'cat')]);
    await app.api('addFolder', ['train-negative', join(work, 'dog')]);
    ({ page, problems } = await app.openPage());
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(app.server.url);
    await page.getByTestId('train-button').waitFor({ timeout: 15_000 });

    // The layers field reads the command line's text and says what is wrong with a bad one.
    await page.getByTestId('custom-toggle').click();
    await page.getByTestId('layers-input').fill('c16,64,p');
    await expect
      .poll(() => page.getByTestId('layers-error').textContent())
      .toMatch(/item 3 \("p"\).*comes after a dense layer/);
    expect(await page.getByTestId('train-button').isDisabled()).toBe(true);

    // The preset sets the layers text and turns augmentation on.
    await page.getByTestId('preset-small-cnn').click();
    expect(await page.getByTestId('preset-small-cnn').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('layers-input').inputValue()).toBe('c16,p,c32,p,c64,p,64');
    expect(await page.getByTestId('augment-flip').isChecked()).toBe(true);
    expect(await page.getByTestId('augment-shift').isChecked()).toBe(true);
    await page.getByTestId('iterations-input').fill(String(EPOCHS));
    await page.getByTestId('train-button').click();
    await page.locator('[data-testid="train-done"], [data-testid="train-error"]').first().waitFor({ timeout: 60_000 });
    if (await page.getByTestId('train-error').count()) await shot('train-error');
    expect(await page.getByTestId('train-error').count(), await page.locator('body').innerText()).toBe(0);
    const [run] = (await app.api<ProjectState>('getProject')).history;
    expect(run).toMatchObject({ stopped: 'completed', iterations: EPOCHS * Math.ceil((PER_CLASS * 2 * 0.8) / 32) });
    expect(run!.settings).toMatchObject({ layers: 'c16,p,c32,p,c64,p,64', augment: { flip: true, shift: 4 } });
    await expect
      .poll(() => page.getByTestId('history-network').first().textContent())
      .toContain('c16,p,c32,p,c64,p,64');
    await expect.poll(() => page.getByTestId('model-info').textContent()).toContain('c16,p,c32,p,c64,p,64 → 1');
    await shot('trained');

    // Click a photo: its probability, then the saliency over it and the first conv layer's feature maps.
    const thumb = page.locator('[data-testid^="thumb-"]').first();
    await thumb.waitFor({ timeout: 20_000 });
    await thumb.click();
    await page.getByTestId('prediction-probability').waitFor({ timeout: 20_000 });
    const learned = page.getByTestId('learned');
    await learned.getByTestId('saliency').waitFor({ timeout: 20_000 });
    expect(await learned.getByTestId('feature-maps').locator('img').count()).toBe(16);
    await learned.getByTestId('first-layer').locator('summary').click();
    expect(await learned.getByTestId('first-layer').locator('img').count()).toBe(16);
    // Every picture is a decoded image (a broken data URL has naturalWidth 0).
    const widths = await learned
      .locator('img')
      .evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
    expect(widths.every((w) => w > 0)).toBe(true);
    const panel = await shot('learned', page.locator('section[aria-labelledby="classify-title"]'));
    if (process.env.CATNET_UPDATE_SCREENSHOT === '1')
      await sharp(panel).png({ palette: true, compressionLevel: 9 }).toFile('docs/learned.png'); // ~40 KB

    // Export: verified against onnxruntime before it is reported.
    const onnx = join(work, 'pets-cnn.onnx');
    await page.getByTestId('export-path-input').fill(onnx);
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-result').waitFor({ timeout: 30_000 });
    expect(statSync(onnx).size).toBeGreaterThan(40_000); // c16..c64 weights alone are 23,584 floats
    await shot('exported');
    expect(problems).toEqual([]);
  }, 90_000);
});
