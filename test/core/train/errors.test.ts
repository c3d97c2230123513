// Training failures carry a code from TRAIN_ERROR_CODES, in-process and across the worker boundary,
// so the app decides on codes, never on message text.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { TRAIN_ERROR_CODES, TrainError } from '../../../src-core/train/errors.js';
import type { TrainingData, TrainOptions } from '../../../src-core/train/options.js';
import { train } from '../../../src-core/train/train.js';
import { trainInWorker } from '../../../src-core/train/trainer.js';
import { separable } from '../../helpers/separable.js';

const kernels = referenceKernels();
const base: TrainOptions = { hiddenLayers: [], activation: 'relu', init: 'zeros', learningRate: 0.5, iterations: 5 };
const data = separable(40, 1, 12);

/** The code of the TrainError `run` rejects with (fails the test when it resolves or throws something else). */
async function codeOf(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TrainError);
  return (error as TrainError).code;
}

describe('training error codes', () => {
  it('each refusal has its code', async () => {
    expect(await codeOf(train(data, { ...base, learningRate: -1 }, { kernels }))).toBe('bad-option');
    expect(await codeOf(train({ ...data, m: 0 }, base, { kernels }))).toBe('no-data');
    expect(await codeOf(train({ ...data, X: new Uint8Array(5) }, base, { kernels }))).toBe('bad-data');
    expect(await codeOf(train(data, { ...base, hiddenLayers: [0] }, { kernels }))).toBe('bad-layers');
    expect(await codeOf(train(data, { ...base, validationFraction: 0.99 }, { kernels }))).toBe('no-data');
    expect(await codeOf(train(data, { ...base, memoryLimitBytes: -1 }, { kernels }))).toBe('bad-option');
    expect(await codeOf(train(data, { ...base, memoryLimitBytes: 100 }, { kernels }))).toBe('too-little-memory');
    const other = separable(4, 2, 5);
    const initialModel = (await train(other, base, { kernels })).model;
    expect(await codeOf(train(data, { ...base, initialModel }, { kernels }))).toBe('bad-initial-model');
  });

  it('the code crosses the worker boundary intact', async () => {
    const shared = (d: TrainingData): TrainingData => {
      const X = new Uint8Array(new SharedArrayBuffer(d.X.length));
      X.set(d.X);
      return { ...d, X };
    };
    expect(await codeOf(trainInWorker(shared(data), { ...base, learningRate: 0 }))).toBe('bad-option');
    expect(await codeOf(trainInWorker(shared(data), { ...base, hiddenLayers: [5000] }))).toBe('bad-layers');
  });

  it('the code list is the union the class accepts', () => {
    expect(new Set(TRAIN_ERROR_CODES).size).toBe(TRAIN_ERROR_CODES.length);
    expect(TRAIN_ERROR_CODES).toContain('too-little-memory');
    expect(new TrainError('diverged', 'x').code).toBe('diverged');
  });
});
