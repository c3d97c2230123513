// The set-up every Chromium end-to-end test shares: the renderer built, browser mode running on a free
// port with a temporary user-data folder, and a fresh Chromium profile; both stopped after the tests.
// Call `useBrowserApp()` inside a `describeInChromium(...)` block; the returned object's `server` and
// `browser` are valid from the first test on. Pages opened with `openPage` record uncaught page
// errors, console errors (unless `console: false`) and, when asked, HTTP errors in `problems`.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { chromiumMissing, type LaunchedChromium, launchChromium } from './chromium.js';
import { ensureRendererBuilt } from './renderer-build.js';
import { type RunningWebServer, startWebServer } from './web-server.js';

if (chromiumMissing) console.warn(chromiumMissing);

/** `describe`, skipped (with the printed reason above) when Chromium is not installed. */
export const describeInChromium = describe.skipIf(chromiumMissing !== null);

export interface BrowserApp {
  readonly server: RunningWebServer;
  readonly browser: LaunchedChromium;
  /** Calls the HTTP API with the token, as the page does; throws with the server's message on `{ error }`. */
  api<T>(method: string, args?: unknown[]): Promise<T>;
  /**
   * A new tab that records problems: uncaught page errors; console errors unless `console: false` (a
   * test that provokes refusals on purpose); responses with status >= 400 when `http: true`.
   */
  openPage(options?: { http?: boolean; console?: boolean }): Promise<{ page: Page; problems: string[] }>;
}

export interface BrowserAppOptions {
  /** A user-data folder to start from (read when the hook runs); default: a fresh temporary one. */
  userData?: () => string;
  env?: Record<string, string>;
}

export function useBrowserApp(options: BrowserAppOptions = {}): BrowserApp {
  let server: RunningWebServer | undefined;
  let browser: LaunchedChromium | undefined;

  beforeAll(async () => {
    // The renderer (Vite) is not part of the tests' global build; built once, under a lock.
    await ensureRendererBuilt();
    server = await startWebServer({ userData: options.userData?.(), env: options.env });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useBrowserApp: ${what} is not started (used outside a test?)`);
    return value;
  };

  return {
    get server() {
      return started(server, 'the web server');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    async api<T>(method: string, args: unknown[] = []): Promise<T> {
      const s = started(server, 'the web server');
      const response = await fetch(`${s.origin}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(args),
      }).then((r) => r.json() as Promise<{ ok: T } | { error: string }>);
      if ('error' in response) throw new Error(`${method}: ${response.error}`);
      return response.ok;
    },
    async openPage({ http = false, console: consoleErrors = true } = {}) {
      const page = await started(browser, 'Chromium').context.newPage();
      const problems: string[] = [];
      if (consoleErrors)
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
      page.on('pageerror', (error) => problems.push(error.message));
      if (http)
        page.on('response', (response) => {
          if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
        });
      return { page, problems };
    },
  };
}
