// The foundation end-to-end test: browser mode started as a user would, opened in a real Chromium,
// shows the engine's own answer (version and backend from the server process), with no console errors.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineInfo } from '../../src-main/contract.js';
import { chromiumMissing, type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { type RunningWebServer, startWebServer } from '../helpers/web-server.js';

if (chromiumMissing) console.warn(chromiumMissing);

describe.skipIf(chromiumMissing !== null)('browser mode in chromium', () => {
  let server: RunningWebServer;
  let browser: LaunchedChromium;

  beforeAll(async () => {
    // The renderer (Vite) is not part of the tests' global build; built once, under a lock.
    await ensureRendererBuilt();
    server = await startWebServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the engine info the server reports, with no console errors', async () => {
    const engine = await fetch(`${server.origin}/api/engineInfo`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: '[]',
    }).then((r) => r.json() as Promise<{ ok: EngineInfo }>);
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    expect(engine.ok.version).toBe(version);
    expect(engine.ok.transport).toBe('browser');

    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    await page.goto(server.url);
    const info = page.getByTestId('engine-info');
    await expect.poll(() => info.textContent(), { timeout: 15_000 }).toContain(version);
    const text = (await info.textContent()) ?? '';
    expect(text).toContain(engine.ok.backend === 'native' ? engine.ok.isa : 'reference');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses the API without the token, and the page without it cannot read the project', async () => {
    const response = await fetch(`${server.origin}/api/getProject`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[]',
    });
    expect(response.status).toBe(401);
  });
});
