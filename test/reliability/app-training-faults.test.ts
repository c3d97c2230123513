// Faults in training through the whole back end with the real worker thread: the worker process
// dying mid-run (a worker file that runs the real engine and exits with code 7 after a moment), a
// learning rate of 1e6, and stop requests at random moments. Each time the app reports what happened,
// keeps the last good model (in memory and in last-model.onnx, byte for byte), exports no NaN model,
// and trains again fine.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src-core/onnx/model-file.js';
import { distFile } from '../../src-core/paths.js';
import { TrainingWorker } from '../../src-core/train/trainer.js';
import { Backend } from '../../src-main/backend.js';
import { type AppEvent, DEFAULT_SETTINGS, type ProjectState, type TrainSettings } from '../../src-main/contract.js';
import { LAST_MODEL_FILE } from '../../src-main/services/model.js';
import type { StartTrainer } from '../../src-main/services/training.js';
import { ok } from '../helpers/backend.js';

type Mode = 'normal' | 'dies';

describe('training faults in the app (real worker)', () => {
  let userData: string;
  let backend: Backend;
  let mode: Mode = 'normal';
  let dyingWorker: string;
  const events: AppEvent[] = [];
  const quick: TrainSettings = { ...DEFAULT_SETTINGS, hiddenLayers: [3], iterations: 40, learningRate: 0.01 };

  const next = <T extends AppEvent['type']>(...types: T[]) =>
    new Promise<Extract<AppEvent, { type: T }>>((resolve) => {
      const off = backend.events.subscribe((e) => {
        if ((types as string[]).includes(e.type)) {
          off();
          resolve(e as Extract<AppEvent, { type: T }>);
        }
      });
    });
  const lastModelBytes = () => readFileSync(join(userData, LAST_MODEL_FILE));

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'catnet-trainfault-'));
    // The real worker entry, plus a death after 300 ms (the loop yields every 50 ms, so it is mid-run).
    dyingWorker = join(userData, 'dying-worker.mjs');
    writeFileSync(
      dyingWorker,
      `await import(${JSON.stringify(pathToFileURL(distFile('core', 'worker.mjs')).href)});\n` +
        'setTimeout(() => process.exit(7), 300);\n',
    );
    const startTrainer: StartTrainer = (data, options, onProgress) =>
      mode === 'dies'
        ? new TrainingWorker(data, options, { onProgress }, dyingWorker)
        : new TrainingWorker(data, options, { onProgress });
    backend = await Backend.create({ userData, transport: 'browser', startTrainer });
    backend.events.subscribe((e) => events.push(e));
    ok(await backend.call('createDemo', []));
    const done = next('train-done', 'train-error');
    ok(await backend.call('startTraining', [quick]));
    expect((await done).type).toBe('train-done');
  });

  afterAll(async () => {
    await backend?.dispose();
    rmSync(userData, { recursive: true, force: true });
  });

  it('the worker dies mid-run: reported, the last good model kept, and training works again', async () => {
    const before = lastModelBytes();
    mode = 'dies';
    const failed = next('train-done', 'train-error');
    ok(await backend.call('startTraining', [{ ...quick, iterations: 1_000_000 }]));
    const event = await failed;
    expect(event).toMatchObject({
      type: 'train-error',
      keptModel: true,
      message: expect.stringMatching(/stopped unexpectedly \(exit code 7\).*previous model is kept/),
    });
    expect(lastModelBytes().equals(before)).toBe(true);
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.model?.layerDims).toEqual([12288, 3, 1]);
    expect(project.history.at(-1)?.stopped).toBe('failed');

    mode = 'normal';
    const again = next('train-done', 'train-error');
    ok(await backend.call('startTraining', [{ ...quick, hiddenLayers: [2] }]));
    expect(await again).toMatchObject({ type: 'train-done', model: { layerDims: [12288, 2, 1] } });
    expect(lastModelBytes().equals(before)).toBe(false);
  });

  it('learning rate 1e6: divergence reported, no NaN model saved or exported, the previous model kept', async () => {
    const before = lastModelBytes();
    const previous = ok<ProjectState>(await backend.call('getProject', [])).model;
    for (const optimizer of ['gd', 'adam'] as const) {
      const failed = next('train-done', 'train-error');
      ok(await backend.call('startTraining', [{ ...quick, learningRate: 1e6, optimizer, iterations: 300 }]));
      const event = await failed;
      expect(event).toMatchObject({
        type: 'train-error',
        keptModel: true,
        message: expect.stringMatching(/learning rate 1000000 is too large/),
      });
      expect(lastModelBytes().equals(before)).toBe(true);
      expect(ok<ProjectState>(await backend.call('getProject', [])).model).toEqual(previous);
      expect(ok<ProjectState>(await backend.call('getProject', [])).history.at(-1)?.stopped).toBe('diverged');
    }
    const out = join(userData, 'after-divergence.onnx');
    ok(await backend.call('exportModel', [out]));
    const exported = await loadModelFile(out);
    for (const a of [...exported.params.W, ...exported.params.b]) expect(a.every(Number.isFinite)).toBe(true);
  });

  it('stop at random moments (10 times): each run ends with a kept model or completes, then trains again', async () => {
    for (let k = 0; k < 10; k++) {
      const settled = next('train-done', 'train-error');
      ok(await backend.call('startTraining', [{ ...quick, iterations: 100_000, seed: k + 1 }]));
      await new Promise((resolve) => setTimeout(resolve, (k * 53) % 400));
      ok(await backend.call('stopTraining', []));
      const event = await settled;
      // A stop before the first iteration keeps the previous model (train-error); later ones keep the run's.
      if (event.type === 'train-error') expect(event.message).toMatch(/before its first iteration/);
      else expect(event, `stop ${k}`).toMatchObject({ type: 'train-done', run: { stopped: 'cancelled' } });
      expect(event.type === 'train-error' ? event.keptModel : true).toBe(true);
      if (event.type === 'train-done') expect(event.run.iterations).toBeLessThan(100_000); // stopped, not finished
      const model = await loadModelFile(join(userData, LAST_MODEL_FILE));
      for (const a of model.params.W) expect(a.every(Number.isFinite)).toBe(true);
    }
    const done = next('train-done', 'train-error');
    ok(await backend.call('startTraining', [{ ...quick, iterations: 20 }]));
    expect(await done).toMatchObject({ type: 'train-done', run: { stopped: 'completed', iterations: 20 } });
  });

  it('a stop before the first iteration does not replace the trained model with an untrained one', async () => {
    const before = lastModelBytes();
    const previous = ok<ProjectState>(await backend.call('getProject', [])).model;
    const settled = next('train-done', 'train-error');
    ok(await backend.call('startTraining', [{ ...quick, hiddenLayers: [5], iterations: 100_000 }]));
    ok(await backend.call('stopTraining', [])); // the cancel flag is set before the worker's first iteration
    expect(await settled).toMatchObject({
      type: 'train-error',
      keptModel: true,
      message: expect.stringMatching(/before its first iteration; the previous model is kept/),
    });
    expect(lastModelBytes().equals(before)).toBe(true);
    expect(ok<ProjectState>(await backend.call('getProject', [])).model).toEqual(previous);
  });

  it('relative model paths are refused (they would land in the server process folder)', async () => {
    for (const method of ['exportModel', 'openModel'] as const)
      for (const path of ['model.onnx', './x.onnx', '../x.onnx'])
        expect(await backend.call(method, [path]), `${method} ${path}`).toMatchObject({
          error: expect.stringMatching(/is not a full path/),
        });
  });

  it('relative image paths to classify are refused (they would resolve in the server process folder)', async () => {
    for (const path of ['cat.png', './cat.png', '../cat.png'])
      expect(await backend.call('classifyFile', [path]), path).toMatchObject({
        error: expect.stringMatching(/'.*cat\.png' is not a full path: give the whole path of the image file/),
      });
  });

  it('a learning rate of 1e6 with no earlier model: reported, and there is nothing to export', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'catnet-trainfault-fresh-'));
    const other = await Backend.create({ userData: fresh, transport: 'browser' });
    try {
      ok(await other.call('createDemo', []));
      const failed = new Promise<AppEvent>((resolve) => {
        other.events.subscribe((e) => {
          if (e.type === 'train-done' || e.type === 'train-error') resolve(e);
        });
      });
      ok(await other.call('startTraining', [{ ...quick, learningRate: 1e6, iterations: 300 }]));
      expect(await failed).toMatchObject({ type: 'train-error', keptModel: false });
      expect(await other.call('exportModel', [join(fresh, 'x.onnx')])).toMatchObject({
        error: expect.stringMatching(/no model yet/),
      });
    } finally {
      await other.dispose();
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
