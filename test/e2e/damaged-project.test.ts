// A project file that cannot be read, seen in a real Chromium against browser mode: the app starts
// with a notice naming the file kept aside, and a clean project.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';

describeInChromium('a damaged project file, seen in the UI', () => {
  let userData = '';
  // Registered first, so it runs last: after the server has stopped.
  afterAll(() => {
    if (userData) rmSync(userData, { recursive: true, force: true });
  });
  const app = useBrowserApp({
    userData: () => {
      userData = mkdtempSync(join(tmpdir(), 'catnet-badproject-'));
      writeFileSync(join(userData, 'project.json'), '{"format":"catnet-project","version":1,"classNames":[');
      return userData;
    },
  });

  it('the app starts with a notice naming the file kept aside, and a clean project', async () => {
    const { page } = await app.openPage();
    await page.goto(app.server.url);
    const banner = page.getByTestId('banner-notice');
    await expect.poll(() => banner.textContent(), { timeout: 20_000 }).toMatch(/kept as .*project\.json\.bad-/);
    expect(await page.getByTestId('count-train-positive').textContent()).toMatch(/0/);
    await page.close();
  });
});
