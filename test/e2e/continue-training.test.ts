// The Train section's "Continue from the current model" checkbox in a real Chromium against browser
// mode: absent without a model; once a model exists, ticking it and pressing Train runs from that model
// (the run's settings say so and its final cost is lower than the first run's).

import { expect, it } from 'vitest';
import { PRESETS, type ProjectState } from '../../src-main/contract.js';
import { describeInChromium, useBrowserApp } from '../helpers/browser-app.js';

describeInChromium('continue training from the UI (browser mode)', () => {
  const app = useBrowserApp();
  const project = () => app.api<ProjectState>('getProject');

  it('offers the checkbox once there is a model, and Train then continues from it', async () => {
    await app.api('createDemo');
    const { page, problems } = await app.openPage();
    await page.goto(app.server.url);
    await page.getByTestId('train-button').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('continue-from-model').count()).toBe(0);

    await app.api('startTraining', [{ ...PRESETS.logistic, iterations: 30, learningRate: 0.005 }]);
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
