// The Train section's "Continue from the current model" checkbox in a real Chromium against browser
// mode: absent without a model; once a model exists, ticking it and pressing Train runs from that model
// (the run's settings say so and its final cost is lower than the first run's).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, type ProjectState } from '../../src-main/contract.js';
import { chromiumMissing, type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { type RunningWebServer, startWebServer } from '../helpers/web-server.js';

if (chromiumMissing) console.warn(chromiumMissing);

describe.skipIf(chromiumMissing !== null)('continue training from the UI (browser mode)', () => {
  let server: RunningWebServer;
  let browser: LaunchedChromium;
  const api = async <T>(method: string, args: unknown[] = []): Promise<T> => {
    const response = await fetch(`${server.origin}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    }).then((r) => r.json() as Promise<{ ok: T } | { error: string }>);
    if ('error' in response) throw new Error(`${method}: ${response.error}`);
    return response.ok;
  };
  const project = () => api<ProjectState>('getProject');

  beforeAll(async () => {
    await ensureRendererBuilt();
    server = await startWebServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('offers the checkbox once there is a model, and Train then continues from it', async () => {
    await api('createDemo');
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(server.url);
    await page.getByTestId('train-button').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('continue-from-model').count()).toBe(0);

    await api('startTraining', [{ ...PRESETS.logistic, iterations: 30, learningRate: 0.005 }]);
    await expect.poll(async () => (await project()).history.length, { timeout: 60_000 }).toBe(1);
    await page.reload();
    const box = page.getByTestId('continue-from-model');
    await box.waitFor({ timeout: 15_000 });
    await box.check();
    await page.getByTestId('train-button').click();
    await expect.poll(async () => (await project()).history.length, { timeout: 60_000 }).toBe(2);
    const [first, second] = (await project()).history;
    expect(second.stopped).toBe('completed');
    expect(second.settings.continueFromModel).toBe(true);
    expect(second.finalCost).toBeLessThan(first.finalCost);
    expect(problems).toEqual([]);
    await page.close();
  });
});
