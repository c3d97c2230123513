// train() in a worker thread (dist/core/worker.mjs, built by the test global setup): same result as
// in-process, progress forwarded, cancellation, and a dead worker turning into a rejection.
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../../src-core/kernels/select.js';
import type { TrainingData, TrainOptions } from '../../../src-core/train/options.js';
import { train } from '../../../src-core/train/train.js';
import { TrainingWorker, trainInWorker } from '../../../src-core/train/trainer.js';

const n_x = 30;

/** Separable synthetic data whose pixels live in a SharedArrayBuffer (shared, not copied). */
function sharedData(m: number): TrainingData {
  const X = new Uint8Array(new SharedArrayBuffer(m * n_x));
  const Y = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    let d = 0;
    for (let j = 0; j < n_x; j++) {
      const v = (i * 131 + j * 71 + ((i * j) % 17) * 13) % 256;
      X[i * n_x + j] = v;
      d += j < n_x / 2 ? v : -v;
    }
    Y[i] = d > 0 ? 1 : 0;
  }
  return { X, Y, m, n_x };
}

const options: TrainOptions = {
  hiddenLayers: [4],
  activation: 'tanh',
  init: 'xavier',
  learningRate: 0.5,
  iterations: 200,
  seed: 3,
};

describe('trainInWorker', () => {
  it('returns what train() returns in-process (same backend), forwarding progress', async () => {
    const data = sharedData(64);
    let reports = 0;
    const inWorker = await trainInWorker(data, options, { onProgress: () => reports++ });
    const inProcess = await train(data, options, { kernels: getKernels() });
    expect(inWorker.stopped).toBe('completed');
    expect(inWorker.backend).toEqual(getKernels().info);
    expect(inWorker.model.params).toEqual(inProcess.model.params);
    expect(inWorker.finalCost).toBe(inProcess.finalCost);
    expect(reports).toBeGreaterThanOrEqual(1);
  });

  it('cancels through an AbortSignal: resolves with stopped "cancelled" and usable parameters', async () => {
    const controller = new AbortController();
    const result = await trainInWorker(
      sharedData(64),
      { ...options, iterations: 10_000_000 },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    expect(result.stopped).toBe('cancelled');
    expect(result.iterations).toBeLessThan(10_000_000);
    expect(result.model.params.W[0].every(Number.isFinite)).toBe(true);
  });

  it('TrainingWorker.cancel() stops a long run', async () => {
    let job: TrainingWorker | undefined;
    job = new TrainingWorker(
      sharedData(64),
      { ...options, iterations: 10_000_000 },
      { onProgress: () => job?.cancel() },
    );
    expect((await job.result).stopped).toBe('cancelled');
  });

  it('rejects with a clear message when the worker dies mid-training', async () => {
    let job: TrainingWorker | undefined;
    job = new TrainingWorker(
      sharedData(64),
      { ...options, iterations: 10_000_000 },
      { onProgress: () => void job?.terminate() },
    );
    await expect(job.result).rejects.toThrow(
      /training worker stopped unexpectedly \(exit code \d+\); the previous model is kept/,
    );
  });

  it('rejects bad options with the engine message', async () => {
    await expect(trainInWorker(sharedData(8), { ...options, learningRate: 0 })).rejects.toThrow(
      /training failed: training options: the learning rate must be a number > 0/,
    );
  });
});

describe('TrainingWorker start-up failures', () => {
  it('says to build when the worker file is missing', async () => {
    expect(() => new TrainingWorker(sharedData(8), options, {}, '/nonexistent/worker.mjs')).toThrow(
      /\/nonexistent\/worker.mjs is missing; run `npm run build` first/,
    );
  });

  it('rejects data that cannot be sent to a worker, without leaving the worker running', async () => {
    const data = { ...sharedData(8), extra: () => 1 } as unknown as TrainingData;
    await expect(trainInWorker(data, options)).rejects.toThrow(/cannot send the training data to the worker/);
  });
});
