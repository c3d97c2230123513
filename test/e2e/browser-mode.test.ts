// The foundation end-to-end test: browser mode started as a user would, opened in a real Chromium,
// shows the engine's own answer (version and backend from the server process), with no console errors.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { EngineInfo } from '../../src-main/contract.js';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';

describeInChromium('browser mode in chromium', () => {
  const app = useBrowserApp();

  it('shows the engine info the server reports, with no console errors', async () => {
    const engine = await app.api<EngineInfo>('engineInfo');
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    expect(engine.version).toBe(version);
    expect(engine.transport).toBe('browser');

    const { page, problems } = await app.openPage({ http: true });
    await page.goto(app.server.url);
    const info = page.getByTestId('engine-info');
    await expect.poll(() => info.textContent(), { timeout: 15_000 }).toContain(version);
    const text = (await info.textContent()) ?? '';
    expect(text).toContain(engine.backend === 'native' ? engine.isa : 'reference');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses the API without the token, and the page without it cannot read the project', async () => {
    const response = await fetch(`${app.server.origin}/api/getProject`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[]',
    });
    expect(response.status).toBe(401);
  });
});
