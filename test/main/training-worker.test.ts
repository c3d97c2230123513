// Training through the engine's worker thread, as the app runs it: the course's 4-layer net on the
// generated demo images, the main thread's event loop staying responsive meanwhile, stop, and a
// worker killed mid-run (reported, previous model kept, next run fine).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingWorker } from '../../src-core/train/trainer.js';
import { Backend } from '../../src-main/backend.js';
import { type AppEvent, PRESETS, type ProjectState, type TrainSettings } from '../../src-main/contract.js';
import { ok } from '../helpers/backend.js';

type Done = Extract<AppEvent, { type: 'train-done' }>;
type Failed = Extract<AppEvent, { type: 'train-error' }>;

describe('training in the worker thread', () => {
  let root: string;
  let backend: Backend;
  let worker: TrainingWorker | null = null;
  const events: AppEvent[] = [];
  const next = <T extends AppEvent>(type: AppEvent['type']) =>
    new Promise<T>((resolve) => {
      const off = backend.events.subscribe((e) => {
        if (e.type === type) {
          off();
          resolve(e as T);
        }
      });
    });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'catnet-worker-'));
    backend = await Backend.create({
      userData: root,
      transport: 'browser',
      // the real worker, kept at hand so a test can kill it
      startTrainer: (data, options, onProgress) => {
        worker = new TrainingWorker(data, options, { onProgress });
        return worker;
      },
    });
    backend.events.subscribe((e) => events.push(e));
    ok(await backend.call('createDemo', []));
  });

  afterAll(async () => {
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('trains the 4-layer net end to end while the event loop stays responsive', async () => {
    const settings: TrainSettings = { ...PRESETS['four-layer'], iterations: 40 };
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const done = next<Done>('train-done');
    delay.enable();
    ok(await backend.call('startTraining', [settings]));
    // measured while the worker trains: from the start until its result arrives
    await worker!.result;
    delay.disable();
    const event = await done;
    expect(event.run.stopped).toBe('completed');
    expect(event.run.iterations).toBe(40);
    expect(event.model.layerDims).toEqual([12288, 20, 7, 5, 1]);
    expect(event.model.activation).toBe('relu');
    const progress = events.filter((e) => e.type === 'train-progress');
    expect(progress.length).toBeGreaterThan(0);
    // Not a speed test: the main thread must never be blocked by training (it runs in the worker).
    const maxMs = delay.max / 1e6;
    console.info(
      `event loop max delay during training: ${maxMs.toFixed(1)} ms over ${progress.length} progress events`,
    );
    expect(maxMs).toBeLessThan(200);
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.model?.layerDims).toEqual([12288, 20, 7, 5, 1]);
  });

  it('stops on request and keeps the model trained so far', async () => {
    const firstProgress = next('train-progress');
    const done = next<Done>('train-done');
    ok(await backend.call('startTraining', [{ ...PRESETS['two-layer'], iterations: 1_000_000 }]));
    await firstProgress;
    expect(ok(await backend.call('stopTraining', []))).toEqual({ stopping: true });
    const event = await done;
    expect(event.run.stopped).toBe('cancelled');
    expect(event.run.iterations).toBeLessThan(1_000_000);
    expect(event.model.layerDims).toEqual([12288, 7, 1]);
  });

  it('reports a killed worker, keeps the previous model, and trains again after', async () => {
    const firstProgress = next('train-progress');
    const failed = next<Failed>('train-error');
    ok(await backend.call('startTraining', [{ ...PRESETS.logistic, iterations: 1_000_000 }]));
    await firstProgress;
    await worker!.terminate();
    const event = await failed;
    expect(event.keptModel).toBe(true);
    expect(event.message).toMatch(/worker stopped unexpectedly/);
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.model?.layerDims).toEqual([12288, 7, 1]);
    expect(project.history.map((r) => r.stopped)).toEqual(['completed', 'cancelled', 'failed']);

    const done = next<Done>('train-done');
    ok(await backend.call('startTraining', [{ ...PRESETS.logistic, iterations: 20 }]));
    expect((await done).model.layerDims).toEqual([12288, 1]);
  });
});
