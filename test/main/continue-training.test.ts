// TrainSettings.continueFromModel through the app's back end: a second run starts from the current
// model (its first cost is the first run's final cost) when the network matches; otherwise, or with no
// model, the start is refused with a message naming what to change.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainOptions, TrainResult } from '../../src-core/train/options.js';
import { Backend } from '../../src-main/backend.js';
import { type AppEvent, PRESETS, type TrainSettings } from '../../src-main/contract.js';
import { inProcessTrainer, nextEvent, ok } from '../helpers/backend.js';

const runs: Array<{ options: TrainOptions; result: TrainResult }> = [];

/** The real train() in this thread, recording what each run was asked and gave. */
const inProcess = inProcessTrainer((options, result) => runs.push({ options, result }));

const quick: TrainSettings = { ...PRESETS.logistic, iterations: 40, learningRate: 0.005 };

describe('training service: continue from the current model', () => {
  let root: string;
  let backend: Backend;
  const next = (type: AppEvent['type']) => nextEvent(backend, type);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'catnet-continue-'));
    backend = await Backend.create({
      userData: join(root, 'user-data'),
      transport: 'browser',
      startTrainer: inProcess,
    });
    ok(await backend.call('createDemo', []));
  });

  afterAll(async () => {
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses to continue when there is no model yet', async () => {
    const response = await backend.call('startTraining', [{ ...quick, continueFromModel: true }]);
    expect(response).toMatchObject({
      ok: {
        started: false,
        code: 'bad-initial-model',
        message: expect.stringMatching(/no current model to continue from/),
      },
    });
    expect(runs).toHaveLength(0);
  });

  it('continues the current model: the second run starts at the first run’s final cost', async () => {
    let done = next('train-done');
    ok(await backend.call('startTraining', [quick]));
    await done;
    const first = runs[0].result;
    expect(runs[0].options.initialModel).toBeUndefined();

    done = next('train-done');
    ok(await backend.call('startTraining', [{ ...quick, continueFromModel: true }]));
    const event = (await done) as Extract<AppEvent, { type: 'train-done' }>;
    const second = runs[1].result;
    expect(runs[1].options.initialModel?.params.W[0]).toEqual(first.model.params.W[0]);
    expect(Math.abs(second.costs[0].cost - first.finalCost)).toBeLessThanOrEqual(1e-6);
    expect(second.finalCost).toBeLessThan(first.finalCost);
    expect(event.run.settings.continueFromModel).toBe(true);
    expect(event.model.layerDims).toEqual([12288, 1]);
  });

  it('refuses a network that does not match the current model, naming both; the model stays', async () => {
    const response = await backend.call('startTraining', [{ ...quick, hiddenLayers: [3], continueFromModel: true }]);
    expect(response).toMatchObject({
      ok: {
        started: false,
        code: 'bad-initial-model',
        message: expect.stringMatching(
          /^Cannot continue from the current model: the model to continue from is \[12288, 1\] logistic regression but the requested network is \[12288, 3, 1\] relu; .*hidden layers to "" \(none\)/,
        ),
      },
    });
    expect(runs).toHaveLength(2);
    expect(backend.training.busy).toBe(false);
  });
});
