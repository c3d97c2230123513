// The thumbnail grid with 10,000 images, in Chromium, against a fake back end injected as
// `window.catnet` (the page is served by browser mode; only the API object is replaced). Checks that
// only the visible rows exist in the DOM, that scrolling to the end shows the last image, and that
// thumbnails are fetched for visible images only, in batches the API accepts.

import { expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../src-main/contract.js';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';

const TOTAL = 10_000;

/** Runs in the page before the app: a minimal CatnetApi with `total` images in 'train-positive'. */
function fakeApi({ total, settings }: { total: number; settings: TrainSettings }): void {
  const calls: number[][] = [];
  const counts = { 'train-positive': total, 'train-negative': 3, 'test-positive': 0, 'test-negative': 0 };
  const project = {
    classNames: ['Cat', 'Not cat'],
    folders: [],
    counts,
    warnings: [],
    settings,
    model: null,
    history: [],
  };
  const pixel =
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const base: Record<string, number> = { 'train-positive': 0, 'train-negative': 100_000 };
  const w = globalThis as unknown as Record<string, unknown>;
  w.__thumbnailCalls = calls;
  w.catnet = {
    engineInfo: async () => ({ version: '0.0.0', backend: 'native', isa: 'test', threads: 1, transport: 'browser' }),
    getProject: async () => project,
    lastImportReports: async () => [],
    listImages: async (role: keyof typeof counts, offset: number, limit: number) => ({
      total: counts[role],
      images: Array.from({ length: Math.max(0, Math.min(limit, counts[role] - offset)) }, (_, i) => ({
        id: (base[role] ?? 0) + offset + i,
        role,
        path: `/fake/${offset + i}.png`,
      })),
    }),
    thumbnails: async (ids: number[]) => {
      calls.push(ids);
      return Object.fromEntries(ids.map((id) => [id, pixel]));
    },
    onEvent: () => () => undefined,
  };
}

describeInChromium('virtual thumbnail grid in chromium', () => {
  const app = useBrowserApp();

  it('renders only the visible rows of 10,000 images and reaches the last one', async () => {
    const { page, problems } = await app.openPage();
    await page.addInitScript(fakeApi, { total: TOTAL, settings: DEFAULT_SETTINGS });
    await page.goto(app.server.url);
    const grid = page.getByTestId('grid-train-positive');
    await expect.poll(() => page.getByTestId('count-train-positive').textContent()).toBe('10,000 images');
    await expect.poll(() => grid.locator('img').count(), { timeout: 15_000 }).toBeGreaterThan(5);
    const rendered = await grid.locator('[data-testid^="thumb-"]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(120);

    await grid.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.getByTestId(`thumb-${TOTAL - 1}`).waitFor({ timeout: 15_000 });
    expect(await grid.locator('[data-testid^="thumb-"]').count()).toBeLessThan(120);
    await expect
      .poll(() =>
        page
          .getByTestId(`thumb-${TOTAL - 1}`)
          .locator('img')
          .count(),
      )
      .toBe(1);

    const calls = (await page.evaluate(
      () => (globalThis as unknown as Record<string, unknown>).__thumbnailCalls,
    )) as number[][];
    const requested = calls.flat();
    expect(new Set(requested).size).toBe(requested.length); // never the same id twice
    expect(requested.length).toBeLessThan(400); // visible images only, not 10,000
    for (const batch of calls) expect(batch.length).toBeLessThanOrEqual(500);
    expect(problems).toEqual([]);
    await page.close();
  });
});
