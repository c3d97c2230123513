// Classifying whole folders from the classify box in a real Chromium (browser mode): open a model whose
// answers are known (red vs blue), choose a folder with class-named sub-folders and a bad file, read
// the table, its summary and accuracy, sort and filter it, export the CSV (checked against the
// table), then drop several files on the box. A second test gives the page a fake API with 10,000
// rows: only the visible rows exist in the DOM and scrolling reaches the last one.
// Screenshots go to test-output/e2e-classify/.

import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { saveModel } from '../../src-core/onnx/model-file.js';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../src-main/contract.js';
import { fallbackSample } from '../../src-main/services/model.js';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';
import { docScreenshot } from '../helpers/doc-screenshot.js';
import { writeFiles } from '../helpers/make-images.js';
import { redVsBlue, tinted } from '../helpers/red-vs-blue.js';

const OUT = 'test-output/e2e-classify';
const ROWS = 10_000;

/** Runs in the page before the app: a CatnetApi with a model whose classifyFolder gives `rows` rows. */
function fakeApi({ rows, settings }: { rows: number; settings: TrainSettings }): void {
  const model = {
    layerDims: [12288, 1],
    activation: 'sigmoid',
    classNames: ['red', 'blue'],
    threshold: 0.5,
    source: 'x',
  };
  const project = {
    classNames: ['red', 'blue'],
    folders: [],
    counts: { 'train-positive': 0, 'train-negative': 0, 'test-positive': 0, 'test-negative': 0 },
    warnings: [],
    settings,
    model,
    history: [],
  };
  const pixel =
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const w = globalThis as unknown as Record<string, unknown>;
  const requested: number[] = [];
  w.__requested = requested;
  const result = {
    source: '/fake/photos',
    classNames: ['red', 'blue'],
    threshold: 0.5,
    rows: Array.from({ length: rows }, (_, i) => {
      const probability = ((i * 7919) % rows) / rows;
      return {
        id: i,
        file: `/fake/photos/${i}.png`,
        probability,
        label: probability >= 0.5 ? 1 : 0,
        className: probability >= 0.5 ? 'red' : 'blue',
      };
    }),
    skipped: [],
    counts: [rows / 2, rows / 2],
    seconds: 1,
    cancelled: false,
  };
  w.catnet = {
    engineInfo: async () => ({ version: '0.0.0', backend: 'native', isa: 'test', threads: 1, transport: 'electron' }),
    getProject: async () => project,
    lastImportReports: async () => [],
    evaluate: async () => null,
    listImages: async () => ({ total: 0, images: [] }),
    thumbnails: async () => ({}),
    classifyFolder: async () => result,
    batchThumbnails: async (ids: number[]) => {
      requested.push(...ids);
      return Object.fromEntries(ids.map((id) => [id, pixel]));
    },
    onEvent: () => () => undefined,
  };
}

describeInChromium('classifying folders in chromium', () => {
  const app = useBrowserApp();
  let work: string;
  let page: Page;
  let problems: string[] = [];
  const text = async (testid: string): Promise<string> => ((await page.getByTestId(testid).textContent()) ?? '').trim();
  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'catnet-e2e-classify-'));
    const red: Record<string, Buffer> = {};
    const blue: Record<string, Buffer | string> = {};
    for (let i = 0; i < 14; i++) red[`r${String(i).padStart(2, '0')}.png`] = await tinted([220, 40, 40], i);
    red['looks-blue.png'] = await tinted([30, 30, 230], 50);
    for (let i = 0; i < 11; i++) blue[`b${String(i).padStart(2, '0')}.png`] = await tinted([40, 40, 220], 100 + i);
    blue['readme.txt'] = 'not an image';
    writeFiles(join(work, 'photos', 'red'), red);
    writeFiles(join(work, 'photos', 'blue'), blue);
    const model = redVsBlue();
    const sample = fallbackSample();
    await saveModel(join(work, 'red-vs-blue.onnx'), model, sample.pixels, sample.m);
    ({ page, problems } = await app.openPage({ console: false }));
    await page.setViewportSize({ width: 1360, height: 1000 });
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('classifies a chosen folder into a table, exports its CSV, and classifies dropped files', {
    timeout: 60_000,
  }, async () => {
    onTestFailed(async () => {
      await shot('failure').catch(() => undefined);
      console.warn(`problems: ${JSON.stringify(problems)}; server stderr:\n${app.server.stderr()}`);
    });
    await page.goto(app.server.url);
    await expect.poll(() => text('engine-info'), { timeout: 15_000 }).toContain('catnet ');
    await page.getByTestId('open-path-input').fill(join(work, 'red-vs-blue.onnx'));
    await page.getByTestId('open-button').click();
    await expect.poll(() => text('model-source'), { timeout: 30_000 }).toContain('red-vs-blue.onnx');

    // A folder with "red" and "blue" sub-folders: 26 images, one wrong by its folder, one bad file.
    await page.getByTestId('classify-folder-input').setInputFiles(join(work, 'photos'));
    const summary = page.getByTestId('batch-summary');
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain('26 images');
    expect((await summary.textContent())?.replace(/\s+/g, ' ')).toMatch(
      /14 red, 12 blue .*accuracy against folder names 96\.2 % \(25\/26\)/,
    );
    expect(await summary.textContent()).toContain('1 skipped');
    expect(await text('batch-results')).toContain('readme.txt');
    const rows = page.getByTestId('batch-row');
    await expect.poll(() => text('batch-row-count')).toBe('26 rows');
    // Virtualised: 10 rows in view plus a few either side exist; each shows its thumbnail.
    const inDom = await rows.count();
    expect(inDom).toBeLessThan(26);
    await expect.poll(() => page.getByTestId('batch-table').locator('img').count(), { timeout: 15_000 }).toBe(inDom);
    await page.getByTestId('batch-results').scrollIntoViewIfNeeded();
    await shot('folder-table');
    await docScreenshot(page.getByTestId('batch-results'), OUT, 'classify-folder');

    // Sort by probability (highest first) and filter by label.
    await page.getByTestId('batch-sort').selectOption('probability-desc');
    const ps = async () =>
      await rows.locator('[data-value]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
    const sorted = await ps();
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    await page.getByTestId('batch-filter').selectOption('negative');
    await expect.poll(() => text('batch-row-count')).toBe('12 rows');
    await page.getByTestId('batch-filter').selectOption('wrong');
    await expect.poll(() => text('batch-row-count')).toBe('1 row');
    expect(await rows.first().textContent()).toContain('red/looks-blue.png');
    await page.getByTestId('batch-filter').selectOption('all');

    // Export CSV: the command line's columns, one line per row of the table.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('batch-export-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(csv[0]).toBe('file,probability,label,class');
    expect(csv).toHaveLength(27);
    expect(csv.some((l) => l.startsWith('photos/red/looks-blue.png,') && l.endsWith(',0,blue'))).toBe(true);
    const byFile = new Map(csv.slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[1])]));
    const shown = await rows.evaluateAll((list) =>
      list.map((r) => [
        r.querySelector('.file')?.textContent,
        Number(r.querySelector('[data-value]')?.getAttribute('data-value')),
      ]),
    );
    expect(shown.length).toBeGreaterThan(5);
    for (const [file, p] of shown) expect(byFile.get(file as string), String(file)).toBe(p);

    // A drop of three loose files on the classify box: a table of three.
    const dropped = ['r00.png', 'r01.png'].map((n) => ['red', n]).concat([['blue', 'b00.png']]);
    const files = dropped.map(([dir, name]) => ({
      name: name!,
      bytes: [...readFileSync(join(work, 'photos', dir!, name!))],
    }));
    const transfer = await page.evaluateHandle((list) => {
      // The page's DOM classes (this file is type-checked without the DOM library).
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
      };
      const data = new dom.DataTransfer();
      for (const f of list) data.items.add(new dom.File([new Uint8Array(f.bytes)], f.name, { type: 'image/png' }));
      return data;
    }, files);
    await page.getByTestId('prediction').dispatchEvent('drop', { dataTransfer: transfer });
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain('3 images');
    expect((await summary.textContent())?.replace(/\s+/g, ' ')).toContain('2 red, 1 blue');
    expect(problems).toEqual([]);
  });

  it('keeps 10,000 rows smooth: only the visible rows exist, and the last one is reachable', async () => {
    const fake = await app.browser.context.newPage();
    const errors: string[] = [];
    fake.on('pageerror', (error) => errors.push(error.message));
    await fake.addInitScript(fakeApi, { rows: ROWS, settings: DEFAULT_SETTINGS });
    await fake.goto(app.server.url);
    await fake.getByTestId('classify-folder-button').click();
    const table = fake.getByTestId('batch-table');
    await expect
      .poll(() => fake.getByTestId('batch-summary').textContent(), { timeout: 15_000 })
      .toContain('10,000 images');
    const rendered = await table.getByTestId('batch-row').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
    await fake.getByTestId('batch-sort').selectOption('probability-asc');
    await table.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    // Sorted ascending, the last row holds the highest probability, (ROWS - 1) / ROWS.
    await expect
      .poll(async () => table.locator(`[data-value="${(ROWS - 1) / ROWS}"]`).count(), { timeout: 10_000 })
      .toBe(1);
    expect(await table.getByTestId('batch-row').count()).toBeLessThan(40);
    const requested = (await fake.evaluate(
      () => (globalThis as unknown as Record<string, unknown>).__requested,
    )) as number[];
    expect(requested.length).toBeLessThan(200); // thumbnails for visible rows only
    expect(errors).toEqual([]);
    await fake.close();
  });
});
