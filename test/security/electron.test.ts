// Electron security in the real app (Playwright's Electron driver): the window's effective web
// preferences, no require/process in the page, the CSP blocking an inline script, navigation and
// window.open denied, permission requests denied, the preload exposing only the contract's functions,
// and IPC from a page that is not ours refused. Skips with the printed reason when no Electron binary
// exists (test/security/electron-policy.test.ts checks the same settings with a stand-in module).

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src-main/contract.js';
import { findElectron } from '../helpers/electron-binary.js';

/** What the tests touch in the page (the tests' tsconfig has no DOM types). */
interface PageWindow {
  catnet: Record<string, unknown> & { getProject(): Promise<unknown> };
  require?: unknown;
  process?: unknown;
  module?: unknown;
  __inline?: number;
  document: {
    createElement(tag: string): { textContent: string; src: string };
    head: { appendChild(node: unknown): void };
    addEventListener(name: string, fn: (e: { violatedDirective: string }) => void): void;
  };
  location: { href: string };
  open(url: string): unknown;
  Notification: { requestPermission(): Promise<string> };
  navigator: { permissions: { query(q: { name: string }): Promise<{ state: string }> } };
  eval(code: string): unknown;
}

const electron = findElectron();
if ('missing' in electron) console.warn(electron.missing);

describe.skipIf('missing' in electron)('Electron security (real binary)', () => {
  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], {
      stdio: 'inherit',
      env: { ...process.env, CATNET_QUIET_BUILD: '1' },
    });
    userData = await mkdtemp(join(tmpdir(), 'catnet-electron-sec-'));
    app = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: ['.', ...(process.platform === 'linux' ? ['--no-sandbox', '--disable-gpu'] : [])],
      env: { ...process.env, CATNET_USER_DATA: userData },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  it("the window's effective web preferences", async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      // getLastWebPreferences is Electron's own (untyped) accessor of the effective preferences.
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
        getLastWebPreferences(): Record<string, unknown>;
      };
      const p = contents.getLastWebPreferences();
      return {
        contextIsolation: p.contextIsolation,
        sandbox: p.sandbox,
        nodeIntegration: p.nodeIntegration,
        nodeIntegrationInWorker: p.nodeIntegrationInWorker,
        nodeIntegrationInSubFrames: p.nodeIntegrationInSubFrames,
        webSecurity: p.webSecurity,
        allowRunningInsecureContent: p.allowRunningInsecureContent,
        webviewTag: p.webviewTag,
      };
    });
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.nodeIntegrationInSubFrames).not.toBe(true);
  });

  it('no require, process or module in the page; the preload exposes only the contract', async () => {
    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      return {
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        keys: Object.keys(w.catnet).sort(),
        types: [...new Set(Object.values(w.catnet).map((v) => typeof v))],
      };
    });
    expect(seen).toMatchObject({
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      types: ['function'],
    });
    expect(seen.keys).toEqual([...API_METHODS, 'onEvent', 'pathForFile'].sort());
  });

  it('the CSP blocks an inline script and eval', async () => {
    const result = await page.evaluate(async () => {
      const w = globalThis as unknown as PageWindow;
      const violations: string[] = [];
      w.document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const script = w.document.createElement('script');
      script.textContent = 'window.__inline = 1';
      w.document.head.appendChild(script);
      let evalBlocked = false;
      try {
        w.eval('1 + 1');
      } catch {
        evalBlocked = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { ran: w.__inline === 1, evalBlocked, violations };
    });
    expect(result.ran).toBe(false);
    expect(result.evalBlocked).toBe(true);
    expect(result.violations.join(' ')).toMatch(/script-src/);
  });

  it('navigation and window.open are denied', async () => {
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as PageWindow).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).open('https://example.com/') === null)).toBe(
      true,
    );
    expect(app.windows()).toHaveLength(1);
  });

  it('permission requests are denied', async () => {
    const states = await page.evaluate(async () => {
      const w = globalThis as unknown as PageWindow;
      const notification = await w.Notification.requestPermission();
      const queried = await Promise.all(
        ['notifications', 'geolocation', 'camera', 'microphone'].map((name) =>
          w.navigator.permissions.query({ name }).then(
            (s) => s.state,
            () => 'denied',
          ),
        ),
      );
      return [notification, ...queried];
    });
    for (const state of states) expect(state).toBe('denied');
  });

  it('IPC from a page that is not ours (another window with the same preload) is refused', async () => {
    const answer = await app.evaluate(
      async ({ BrowserWindow }, preload) => {
        const win = new BrowserWindow({
          show: false,
          webPreferences: { preload, sandbox: true, contextIsolation: true },
        });
        await win.loadURL('data:text/html,<title>foreign</title>');
        try {
          return await win.webContents.executeJavaScript(
            'window.catnet ? window.catnet.getProject().then(() => "answered", (e) => String(e.message)) : "no api"',
          );
        } finally {
          win.destroy();
        }
      },
      join(process.cwd(), 'dist', 'main', 'preload.cjs'),
    );
    expect(answer).toMatch(/refused|no api/);
  });
});
