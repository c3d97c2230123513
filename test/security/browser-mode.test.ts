// Browser mode's security in a real Chromium: what Electron enforces with its own settings, browser
// mode must enforce with headers and checks. The page has no Node (require/process), the CSP blocks an
// inline script and eval, the token leaves the address bar, the API needs the token, and a hostile page
// on another local port can neither call the API (Origin), nor read its answers (CORS), nor open the
// event stream, nor frame the UI (X-Frame-Options), nor keep a handle on a catnet tab it opened (COOP).
// DNS rebinding (a foreign Host header) is refused even with the token.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';
import type { LaunchedChromium } from '../helpers/chromium.js';
import { makePng } from '../helpers/make-images.js';
import type { RunningWebServer } from '../helpers/web-server.js';

/** What the tests touch in the page (the tests' tsconfig has no DOM types). */
interface PageWindow {
  require?: unknown;
  process?: unknown;
  module?: unknown;
  Buffer?: unknown;
  __inline?: number;
  document: {
    createElement(tag: string): { textContent: string };
    head: { appendChild(node: unknown): void };
    addEventListener(name: string, fn: (e: { violatedDirective: string }) => void): void;
  };
  eval(code: string): unknown;
  opener: unknown;
}

function rawStatus(port: number, path: string, headers: Record<string, string>, body = '[]'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describeInChromium('browser-mode security in chromium', () => {
  const app = useBrowserApp();
  let server: RunningWebServer;
  let browser: LaunchedChromium;
  let hostile: Server;
  let hostileOrigin: string;
  let page: Page;

  const project = () => app.api<{ classNames: string[] }>('getProject');

  beforeAll(async () => {
    ({ server, browser } = app);
    // A hostile page served from another local port; it knows the catnet URL and even the token.
    hostile = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>hostile</title><body></body>');
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    hostileOrigin = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    page = await browser.context.newPage();
    await page.goto(server.url);
    await page.getByTestId('engine-info').waitFor({ timeout: 20_000 });
  });

  afterAll(async () => {
    await new Promise((resolve) => hostile?.close(resolve));
  });

  it('the page has no Node globals, and the token has left the address bar', async () => {
    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      return [typeof w.require, typeof w.process, typeof w.module, typeof w.Buffer];
    });
    expect(seen).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
    expect(page.url()).not.toContain(server.token);
  });

  it('the CSP blocks an inline script, a data: script and string eval', async () => {
    const result = await page.evaluate(async () => {
      const w = globalThis as unknown as PageWindow & {
        __data?: number;
        __timer?: number;
        setTimeout(code: string, ms: number): void;
      };
      const violations: string[] = [];
      w.document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const inline = w.document.createElement('script');
      inline.textContent = 'window.__inline = 1';
      w.document.head.appendChild(inline);
      const data = w.document.createElement('script') as unknown as { src: string };
      data.src = 'data:text/javascript,window.__data = 1';
      w.document.head.appendChild(data);
      // A string timer is eval (Playwright's own evaluate is exempt from CSP; this runs as the page).
      w.setTimeout('window.__timer = 1', 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { inline: w.__inline, data: w.__data, timer: w.__timer, violations };
    });
    expect(result).toMatchObject({ inline: undefined, data: undefined, timer: undefined });
    expect(result.violations.join(' ')).toMatch(/script-src/);
  });

  it('a file name carrying HTML is shown as text in the import report, and runs nothing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'catnet-xss-'));
    try {
      const evil = '<img src=x onerror="window.__xss=1">.png';
      writeFileSync(join(folder, evil), 'not an image at all');
      writeFileSync(join(folder, 'good.png'), await makePng(40, 40, 1));
      const r = await fetch(`${server.origin}/api/addFolder`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(['train-positive', folder]),
      }).then((x) => x.json() as Promise<{ ok: { skipped: unknown[] } }>);
      expect(r.ok.skipped).toHaveLength(1);
      const report = page.getByTestId('import-report');
      await expect.poll(() => report.textContent(), { timeout: 15_000 }).toContain('onerror=');
      const seen = await page.evaluate(() => {
        const w = globalThis as unknown as {
          __xss?: number;
          document: { querySelectorAll(s: string): { length: number } };
        };
        return { xss: w.__xss, injected: w.document.querySelectorAll('img[src="x"]').length };
      });
      expect(seen).toEqual({ xss: undefined, injected: 0 });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('the security headers are on the page', async () => {
    const response = await fetch(server.origin, { headers: {} });
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('from the page itself, the API needs the token', async () => {
    const statuses = await page.evaluate(async () => {
      const call = (headers: Record<string, string>) =>
        fetch('/api/getProject', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: '[]',
        }).then((r) => r.status);
      return [await call({}), await call({ Authorization: 'Bearer wrong' })];
    });
    expect(statuses).toEqual([401, 401]);
  });

  it('a hostile page on another port can neither change nor read the project, nor open the events', async () => {
    const before = await project();
    const foreign = await browser.context.newPage();
    await foreign.goto(hostileOrigin);
    const outcome = await foreign.evaluate(
      async ({ origin, token }) => {
        const results: Record<string, string> = {};
        // 1. A CORS request with the token: the Origin check refuses it (and CORS hides the answer).
        try {
          const r = await fetch(`${origin}/api/setClassNames`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify([['pwned', 'pwned too']]),
          });
          results.cors = `read ${r.status}`;
        } catch (e) {
          results.cors = `blocked: ${(e as Error).name}`;
        }
        // 2. A "simple" no-cors request (no preflight): cannot carry the token or the JSON type.
        try {
          await fetch(`${origin}/api/setClassNames`, {
            method: 'POST',
            mode: 'no-cors',
            headers: { 'Content-Type': 'text/plain' },
            body: JSON.stringify([['pwned', 'pwned too']]),
          });
          results.simple = 'sent';
        } catch (e) {
          results.simple = `blocked: ${(e as Error).name}`;
        }
        // 3. The event stream with the token in the query.
        results.events = await new Promise<string>((resolve) => {
          const source = new EventSource(`${origin}/api/events?token=${token}`);
          source.onopen = () => resolve('opened');
          source.onerror = () => resolve('refused');
          setTimeout(() => resolve('timeout'), 3000);
        });
        return results;
      },
      { origin: server.origin, token: server.token },
    );
    expect(outcome.cors).toMatch(/^blocked/);
    expect(outcome.events).toBe('refused');
    expect(await project()).toEqual(before);
    await foreign.close();
  });

  it('the server refuses a foreign Origin and a foreign Host even with the token (DNS rebinding)', async () => {
    const good = {
      Host: `127.0.0.1:${server.port}`,
      Authorization: `Bearer ${server.token}`,
      'Content-Type': 'application/json',
    };
    expect(await rawStatus(server.port, '/api/getProject', good)).toBe(200);
    expect(await rawStatus(server.port, '/api/getProject', { ...good, Origin: hostileOrigin })).toBe(403);
    expect(await rawStatus(server.port, '/api/getProject', { ...good, Host: `evil.example:${server.port}` })).toBe(403);
    expect(await rawStatus(server.port, '/api/getProject', { ...good, Host: 'evil.example' })).toBe(403);
  });

  it('a hostile page cannot frame the UI', async () => {
    const foreign = await browser.context.newPage();
    await foreign.goto(hostileOrigin);
    await foreign.evaluate((url) => {
      const d = (globalThis as unknown as { document: { body: { innerHTML: string } } }).document;
      d.body.innerHTML = `<iframe id="f" src="${url}"></iframe>`;
    }, server.origin);
    await foreign.waitForTimeout(1500);
    const frame = foreign.frames().find((f) => f !== foreign.mainFrame());
    expect(frame).toBeDefined();
    const framedTitle = frame ? await frame.title().catch(() => '') : '';
    expect(framedTitle).not.toBe('catnet');
    await foreign.close();
  });

  it('a catnet tab opened by a hostile page has no opener (COOP), so it cannot be scripted', async () => {
    const foreign = await browser.context.newPage();
    await foreign.goto(hostileOrigin);
    const opened = browser.context.waitForEvent('page');
    const handleClosed = await foreign.evaluate((url) => {
      const w = (globalThis as unknown as { open(u: string): { closed: boolean } | null }).open(url);
      return new Promise<boolean | null>((resolve) => setTimeout(() => resolve(w ? w.closed : null), 1500));
    }, server.origin);
    const tab = await opened;
    await tab.waitForLoadState('domcontentloaded');
    expect(await tab.evaluate(() => (globalThis as unknown as PageWindow).opener === null)).toBe(true);
    // With COOP the opener's handle is severed: it reports the window as closed.
    expect(handleClosed).not.toBe(false);
    await tab.close();
    await foreign.close();
  });
});
