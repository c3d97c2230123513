// The desktop app itself, through Playwright's Electron driver: the window shows the engine line, the
// renderer sees only the named catnet API (no Node, no ipcRenderer), navigation and popups are refused.
// Skips with the reason when no Electron binary exists (the usual case on machines without downloads).

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src-main/contract.js';
import { findElectron } from '../helpers/electron-binary.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';

/** What the tests read from the page's window (the tests' tsconfig has no DOM types). */
interface PageGlobals {
  catnet: { engineInfo(): Promise<{ transport: string }> };
  require?: unknown;
  process?: unknown;
  location: { href: string };
  open(url: string): unknown;
}

const electron = findElectron();
if ('missing' in electron) console.warn(electron.missing);

describe.skipIf('missing' in electron)('Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    await ensureRendererBuilt();
    userData = await mkdtemp(join(tmpdir(), 'catnet-electron-'));
    app = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: ['.', ...(process.platform === 'linux' ? ['--no-sandbox', '--disable-gpu'] : [])],
      env: { ...process.env, CATNET_USER_DATA: userData },
    });
    page = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  it('shows the engine line with the app version', async () => {
    const version = JSON.parse(await readFile('package.json', 'utf8')).version as string;
    await expect.poll(() => page.getByTestId('engine-info').textContent(), { timeout: 20_000 }).toContain(version);
  });

  it('exposes exactly the named API and no Node to the page', async () => {
    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return { keys: Object.keys(w.catnet).sort(), require: typeof w.require, process: typeof w.process };
    });
    expect(seen.keys).toEqual([...API_METHODS, 'onEvent', 'pathForFile'].sort());
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    const engine = await page.evaluate(() => (globalThis as unknown as PageGlobals).catnet.engineInfo());
    expect(engine.transport).toBe('electron');
  });

  it('refuses navigation and new windows', async () => {
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null),
    ).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });
});
