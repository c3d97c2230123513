// The training service's behaviour with controllable trainers (the real worker is tested in
// training-worker.test.ts): a full run produces a model that is saved, evaluated, classified,
// exported and re-opened; progress is rate-limited; stop keeps the model so far; a crash keeps the
// previous model and a new run can start.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainProgress, TrainResult } from '../../src-core/train/options.js';
import { Backend } from '../../src-main/backend.js';
import {
  type AppEvent,
  type Evaluation,
  type ExportResult,
  type ImageEntry,
  type ModelInfo,
  PRESETS,
  type Prediction,
  type ProjectState,
  type TrainSettings,
} from '../../src-main/contract.js';
import { LAST_MODEL_FILE } from '../../src-main/services/model.js';
import type { RunningTrainer, StartTrainer } from '../../src-main/services/training.js';
import { inProcessTrainer, nextEvent, ok } from '../helpers/backend.js';

let lastResult: TrainResult | null = null;

/** Runs the real train() in this thread (fine for a test; the app uses the worker). */
const inProcess = inProcessTrainer((_, result) => {
  lastResult = result;
});

/** A trainer the test drives by hand. */
class ManualTrainer implements RunningTrainer {
  result: Promise<TrainResult>;
  resolve!: (r: TrainResult) => void;
  reject!: (e: Error) => void;
  cancelled = false;
  terminated = false;
  constructor(readonly onProgress: (p: TrainProgress) => void) {
    this.result = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
  cancel(): void {
    this.cancelled = true;
  }
  async terminate(): Promise<void> {
    this.terminated = true;
    this.reject(new Error('the training worker was terminated'));
  }
}

const quick: TrainSettings = { ...PRESETS.logistic, iterations: 60, learningRate: 0.005 };

describe('training service', () => {
  let root: string;
  let backend: Backend;
  let trainer: StartTrainer = inProcess;
  let manual: ManualTrainer | null = null;
  const events: AppEvent[] = [];
  const next = (type: AppEvent['type']) => nextEvent(backend, type);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'catnet-training-'));
    backend = await Backend.create({
      userData: join(root, 'user-data'),
      transport: 'browser',
      startTrainer: (d, o, p) => trainer(d, o, p),
    });
    backend.events.subscribe((e) => events.push(e));
    ok(await backend.call('createDemo', []));
  });

  afterAll(async () => {
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses to train on one class only, with a message', async () => {
    const other = await Backend.create({
      userData: join(root, 'empty'),
      transport: 'browser',
      startTrainer: inProcess,
    });
    expect(await other.call('startTraining', [quick])).toMatchObject({
      ok: { started: false, code: 'no-data', message: expect.stringMatching(/both classes/) },
    });
    await other.dispose();
  });

  it('refuses layers the engine cannot build with the code bad-layers, and starts nothing', async () => {
    const bad = await backend.call('startTraining', [{ ...quick, layers: 'c16,64,p', hiddenLayers: [64] }]);
    expect(bad).toMatchObject({
      ok: { started: false, code: 'bad-layers', message: expect.stringMatching(/item 3 \("p"\).*after a dense layer/) },
    });
    expect(backend.training.busy).toBe(false);
  });

  it('trains, saves the last model, evaluates on the held-out 20 %, classifies, exports and re-opens', async () => {
    const done = next('train-done');
    expect(ok(await backend.call('startTraining', [quick]))).toEqual({ started: true });
    const event = (await done) as Extract<AppEvent, { type: 'train-done' }>;
    expect(event.run.stopped).toBe('completed');
    expect(event.run.settings.validationFraction).toBe(0.2);
    // the whole learning curve for the chart: 60 iterations -> every one, then the final cost
    expect(event.costs).toHaveLength(61);
    expect(event.costs).toEqual(lastResult!.costHistory);
    expect(event.costs!.at(-1)).toEqual({ iteration: 60, cost: event.run.finalCost });
    expect(event.model.layerDims).toEqual([12288, 1]);
    expect(event.model.classNames).toEqual(['warm blobs', 'cool stripes']);
    expect(existsSync(join(root, 'user-data', LAST_MODEL_FILE))).toBe(true);
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.model?.source).toBe('trained');
    expect(project.history).toHaveLength(1);

    const evaluation = ok<Evaluation>(await backend.call('evaluate', [0.5]));
    expect(evaluation.testSource).toBe('validation-split');
    expect(evaluation.test!.m).toBe(24);
    expect(evaluation.train.m).toBe(96);
    // the same rows training held out: the same accuracies as the run reported
    expect(evaluation.test!.accuracy).toBeCloseTo(event.run.validationAccuracy!, 6);
    expect(evaluation.train.accuracy).toBeCloseTo(event.run.trainAccuracy, 6);
    // The demo classes are easy: the held-out accuracy is far above chance.
    expect(evaluation.test!.accuracy).toBeGreaterThan(0.8);
    expect(evaluation.train.tp + evaluation.train.fp + evaluation.train.tn + evaluation.train.fn).toBe(96);
    const wrongAt0 = ok<Evaluation>(await backend.call('evaluate', [0]));
    expect(wrongAt0.train.recall).toBe(1);
    expect(wrongAt0.misclassified.length).toBe(60);

    const page = ok<{ images: ImageEntry[] }>(await backend.call('listImages', ['train-positive', 0, 5]));
    expect(page.images[0]!.probability).toBeGreaterThanOrEqual(0);
    const byId = ok<Prediction>(await backend.call('classifyImage', [page.images[0]!.id]));
    expect(byId.probability).toBeCloseTo(page.images[0]!.probability!, 6);
    expect(byId.input.startsWith('data:image/png;base64,')).toBe(true);
    const byPath = ok<Prediction>(await backend.call('classifyFile', [page.images[0]!.path]));
    expect(byPath.probability).toBeCloseTo(byId.probability, 6);
    const bytes = (await readFile(page.images[0]!.path)).toString('base64');
    const byBytes = ok<Prediction>(await backend.call('classifyBytes', [bytes, 'drop.png']));
    expect(byBytes.probability).toBeCloseTo(byId.probability, 6);
    expect(byBytes.className).toBe(byBytes.label === 1 ? 'warm blobs' : 'cool stripes');
    expect(await backend.call('classifyBytes', [Buffer.from('hello').toString('base64'), 'notes.txt'])).toMatchObject({
      error: expect.stringMatching(/Cannot classify notes\.txt: not an image/),
    });

    expect(await backend.call('exportModel', [join(root, 'no-such-folder', 'model.onnx')])).toMatchObject({
      error: expect.stringMatching(/Could not write .*model\.onnx/),
    });
    const exported = ok<ExportResult>(await backend.call('exportModel', [join(root, 'model')]));
    expect(exported.path).toBe(join(root, 'model.onnx'));
    expect(exported.maxDifference).toBeLessThan(1e-5);
    const opened = ok<ModelInfo>(await backend.call('openModel', [exported.path]));
    expect(opened.source).toBe(exported.path);
    expect(opened.layerDims).toEqual([12288, 1]);
    const again = ok<Prediction>(await backend.call('classifyImage', [page.images[0]!.id]));
    expect(again.probability).toBeCloseTo(byId.probability, 5);

    // The next start restores the model from last-model.onnx.
    const restarted = await Backend.create({ userData: join(root, 'user-data'), transport: 'browser' });
    const restoredProject = ok<ProjectState>(await restarted.call('getProject', []));
    expect(restoredProject.notice).toBeUndefined();
    expect(restoredProject.model?.layerDims).toEqual([12288, 1]);
    const restoredPrediction = ok<Prediction>(await restarted.call('classifyImage', [page.images[0]!.id]));
    expect(restoredPrediction.probability).toBeCloseTo(byId.probability, 5);
    await restarted.dispose();
  });

  it('forwards progress at most 10 times a second, always including the last', async () => {
    trainer = (_d, _o, onProgress) => (manual = new ManualTrainer(onProgress));
    ok(await backend.call('startTraining', [quick]));
    const stamps: number[] = [];
    const off = backend.events.subscribe((e) => {
      if (e.type === 'train-progress') stamps.push(performance.now());
    });
    const started = performance.now();
    let i = 0;
    while (performance.now() - started < 450 || i < 40) {
      manual!.onProgress({
        iteration: ++i,
        iterations: 1_000_000,
        epoch: i,
        cost: 0.5,
        trainAccuracy: 0.5,
        iterationsPerSecond: 1,
        elapsedSeconds: 0,
        etaSeconds: 1,
      });
      await new Promise((r) => setTimeout(r, 2));
    }
    manual!.onProgress({
      iteration: 1_000_000,
      iterations: 1_000_000,
      epoch: 0,
      cost: 0.4,
      trainAccuracy: 0.6,
      iterationsPerSecond: 1,
      elapsedSeconds: 0,
      etaSeconds: 0,
    });
    off();
    // many more reports than events: the rest were dropped
    expect(stamps.length).toBeLessThan(i / 2);
    expect(stamps.length).toBeGreaterThanOrEqual(3);
    for (let k = 1; k < stamps.length - 1; k++) expect(stamps[k]! - stamps[k - 1]!).toBeGreaterThanOrEqual(99);
    const last = events.filter((e) => e.type === 'train-progress').at(-1) as Extract<
      AppEvent,
      { type: 'train-progress' }
    >;
    expect(last.iteration).toBe(1_000_000);
    // A second run is refused while this one is going.
    expect(await backend.call('startTraining', [quick])).toMatchObject({
      ok: { started: false, code: 'worker-busy', message: expect.stringMatching(/already running/) },
    });
    // Stop: the trainer is asked to cancel, and the model it returns (trained so far) becomes current.
    const done = next('train-done');
    expect(ok(await backend.call('stopTraining', []))).toEqual({ stopping: true });
    expect(manual!.cancelled).toBe(true);
    manual!.resolve({ ...lastResult!, stopped: 'cancelled', iterations: 7 });
    const event = (await done) as Extract<AppEvent, { type: 'train-done' }>;
    expect(event.run.stopped).toBe('cancelled');
    expect(event.run.iterations).toBe(7);
    expect(ok(await backend.call('stopTraining', []))).toEqual({ stopping: false });
  });

  it('reports a crashed worker as train-error, keeps the previous model, and can train again', async () => {
    const page = ok<{ images: ImageEntry[] }>(await backend.call('listImages', ['train-negative', 0, 1]));
    const before = ok<Prediction>(await backend.call('classifyImage', [page.images[0]!.id]));
    trainer = (_d, _o, onProgress) => (manual = new ManualTrainer(onProgress));
    ok(await backend.call('startTraining', [quick]));
    const failed = next('train-error');
    manual!.reject(new Error('the training worker exited with code 1'));
    const event = (await failed) as Extract<AppEvent, { type: 'train-error' }>;
    expect(event.message).toBe('The training worker exited with code 1');
    expect(event.keptModel).toBe(true);
    const after = ok<Prediction>(await backend.call('classifyImage', [page.images[0]!.id]));
    expect(after.probability).toBe(before.probability);
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.history.at(-1)!.stopped).toBe('failed');
    expect(project.model).not.toBeNull();

    trainer = inProcess;
    const done = next('train-done');
    ok(await backend.call('startTraining', [{ ...quick, iterations: 5 }]));
    expect(((await done) as Extract<AppEvent, { type: 'train-done' }>).run.iterations).toBe(5);
  });

  it('terminates a run that does not stop within the grace period, keeping the model', async () => {
    trainer = (_d, _o, onProgress) => (manual = new ManualTrainer(onProgress));
    ok(await backend.call('startTraining', [quick]));
    const failed = next('train-error');
    ok(await backend.call('stopTraining', []));
    const event = (await failed) as Extract<AppEvent, { type: 'train-error' }>;
    expect(manual!.terminated).toBe(true);
    expect(event.keptModel).toBe(true);
    expect(event.message).toMatch(/terminated/);
    trainer = inProcess;
  });
});
