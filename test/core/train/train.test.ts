// train() on small synthetic data: convergence, determinism, cancellation, divergence, validation,
// early stopping, L2, mini-batches and optimisers. (Course reproduction: train-course.test.ts.)
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { networkConfig } from '../../../src-core/nn/config.js';
import { initializeParameters } from '../../../src-core/nn/init.js';
import { Network } from '../../../src-core/nn/network.js';
import { Random } from '../../../src-core/nn/random.js';
import type { TrainingData, TrainOptions, TrainProgress } from '../../../src-core/train/options.js';
import { train } from '../../../src-core/train/train.js';
import { separable as makeSeparable } from '../../helpers/separable.js';

const kernels = referenceKernels();
const n_x = 20;

const separable = (m: number, seed: number): TrainingData => makeSeparable(m, seed, n_x);

const base: TrainOptions = {
  hiddenLayers: [],
  activation: 'relu',
  init: 'zeros',
  learningRate: 0.5,
  iterations: 300,
};

function allFinite(params: { W: Float32Array[]; b: Float32Array[] }): boolean {
  return [...params.W, ...params.b].every((a) => a.every(Number.isFinite));
}

describe('train', () => {
  it('logistic regression converges on separable data (cost falls, accuracy high)', async () => {
    const data = separable(200, 1);
    const r = await train(data, { ...base, learningRate: 3 }, { kernels });
    expect(r.stopped).toBe('completed');
    expect(r.iterations).toBe(300);
    expect(r.costs[0].iteration).toBe(0);
    expect(r.costs[0].cost).toBeCloseTo(Math.log(2), 6); // zero weights: every a = 1/2
    expect(r.costs.map((c) => c.iteration)).toEqual([0, 100, 200, 300]);
    expect(r.finalCost).toBeLessThan(0.3);
    for (let i = 1; i < r.costs.length; i++) expect(r.costs[i].cost).toBeLessThan(r.costs[i - 1].cost);
    expect(r.trainAccuracy).toBeGreaterThan(0.95);
    expect(r.model.config.layerDims).toEqual([n_x, 1]);
    expect(r.model.summary.iterations).toBe(300);
    expect(r.backend.backend).toBe('reference');
  });

  it('a hidden-layer network learns too, and reports test accuracy', async () => {
    const data = { ...separable(200, 2), Xtest: separable(100, 3).X, Ytest: separable(100, 3).Y, mtest: 100 };
    const r = await train(
      data,
      { ...base, hiddenLayers: [8, 4], init: 'he', learningRate: 0.3, iterations: 400 },
      { kernels },
    );
    expect(r.trainAccuracy).toBeGreaterThan(0.9);
    expect(r.testAccuracy).toBeGreaterThan(0.85);
    expect(r.model.summary.testImages).toBe(100);
  });

  it('is deterministic for a seed: same costs and parameters, bit for bit (mini-batch, adam, validation)', async () => {
    const data = separable(150, 4);
    const options: TrainOptions = {
      ...base,
      hiddenLayers: [6],
      init: 'he',
      learningRate: 0.01,
      iterations: 5,
      batchSize: 32,
      optimizer: 'adam',
      validationFraction: 0.2,
      seed: 7,
    };
    const a = await train(data, options, { kernels });
    const b = await train(data, options, { kernels, onProgress: () => {} });
    const c = await train(data, { ...options, seed: 8 }, { kernels });
    const every100 = (r: typeof a) => r.costs.filter((p) => p.iteration % 100 === 0 || p.iteration === r.iterations);
    expect(every100(b)).toEqual(every100(a));
    expect(b.model.params).toEqual(a.model.params);
    expect(c.model.params.W[0]).not.toEqual(a.model.params.W[0]);
    expect(a.iterations).toBe(5 * Math.ceil(120 / 32));
    expect(a.model.summary.validationImages).toBe(30);
    expect(a.validationAccuracy).toBeGreaterThan(0.5);
  });

  it('stops within one iteration when the AbortSignal fires, returning usable parameters', async () => {
    const data = separable(100, 5);
    const controller = new AbortController();
    let reports = 0;
    const r = await train(
      data,
      { ...base, iterations: 1_000_000 },
      {
        kernels,
        onProgress: (p) => {
          reports++;
          if (p.iteration >= 1) controller.abort();
        },
        signal: controller.signal,
      },
    );
    expect(r.stopped).toBe('cancelled');
    expect(r.iterations).toBeLessThan(1_000_000);
    expect(r.message).toMatch(/cancelled after/);
    expect(reports).toBeGreaterThanOrEqual(2);
    expect(allFinite(r.model.params)).toBe(true);
  });

  it('stops when the shared cancel flag is set', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const r = await train(
      separable(50, 6),
      { ...base, iterations: 1_000_000, progressIntervalMs: 0 },
      {
        kernels,
        cancelFlag: flag,
        onProgress: (p) => {
          if (p.iteration >= 3) Atomics.store(flag, 0, 1);
        },
      },
    );
    expect(r.stopped).toBe('cancelled');
    expect(r.iterations).toBe(3);
  });

  it('a learning rate of 1e6 diverges: stopped "diverged", a clear message, finite parameters', async () => {
    const r = await train(
      separable(100, 7),
      { ...base, hiddenLayers: [5], init: 'small', learningRate: 1e6 },
      { kernels },
    );
    expect(r.stopped).toBe('diverged');
    expect(r.message).toMatch(/at iteration \d+: the learning rate 1000000 is too large; try 0.0075/);
    expect(allFinite(r.model.params)).toBe(true);
    expect(Number.isFinite(r.finalCost)).toBe(true);
    expect(r.iterations).toBeLessThan(100);
    // Before iteration 100 (and with no progress points) the last finite cost was the initial one.
    const initial = new Network(networkConfig([5], 'relu', n_x), 1, kernels);
    initializeParameters(initial.params, initial.layerDims, 'small', 1);
    expect(r.model.params).toEqual(initial.params);
    expect(r.costs.map((c) => c.iteration)).toEqual([0]);
  });

  it('an already-aborted signal returns the initial parameters after 0 iterations', async () => {
    const controller = new AbortController();
    controller.abort();
    let last: TrainProgress | undefined;
    const r = await train(
      separable(30, 12),
      { ...base, iterations: 50 },
      {
        kernels,
        signal: controller.signal,
        onProgress: (p) => {
          last = p;
        },
      },
    );
    expect(r.stopped).toBe('cancelled');
    expect(r.iterations).toBe(0);
    expect(r.model.params.W[0].every((w) => w === 0)).toBe(true); // zeros init, untouched
    expect(last?.iteration).toBe(0);
    expect(last?.iterations).toBe(50);
  });

  it('L2 adds lambda/(2m) sum W^2 to the cost', async () => {
    const data = separable(80, 8);
    const opts: TrainOptions = { ...base, hiddenLayers: [3], init: 'he', iterations: 1, learningRate: 1e-9 };
    const plain = await train(data, opts, { kernels });
    const lambda = 0.5;
    const reg = await train(data, { ...opts, l2: lambda }, { kernels });
    // After one step with a negligible learning rate the parameters are the initial ones.
    let squares = 0;
    for (const W of plain.model.params.W) for (const w of W) squares += w * w;
    expect(reg.costs[0].cost - plain.costs[0].cost).toBeCloseTo((lambda / (2 * 80)) * squares, 5);
  });

  it('mini-batches with momentum and adam reach high accuracy; learning-rate decay still learns', async () => {
    const data = separable(200, 9);
    for (const optimizer of ['gd', 'momentum', 'adam'] as const) {
      const r = await train(
        data,
        {
          ...base,
          batchSize: 16,
          iterations: 30,
          optimizer,
          learningRate: optimizer === 'adam' ? 0.05 : 0.5,
          decayRate: 0.01,
        },
        { kernels },
      );
      expect(r.stopped).toBe('completed');
      expect(r.trainAccuracy).toBeGreaterThan(0.9);
    }
  });

  it('early stopping on a rising validation cost keeps the best parameters', async () => {
    // Random labels: a wide net memorises the training part, so the validation cost rises.
    const r0 = new Random(10);
    const data = separable(60, 10);
    for (let i = 0; i < data.m; i++) data.Y[i] = r0.below(2);
    const r = await train(
      data,
      {
        ...base,
        hiddenLayers: [64],
        init: 'he',
        learningRate: 0.5,
        iterations: 5000,
        validationFraction: 0.3,
        validationEvery: 5,
        patience: 5,
      },
      { kernels },
    );
    expect(r.stopped).toBe('early-stopped');
    expect(r.message).toMatch(/validation cost has not improved for 5 checks/);
    expect(r.iterations).toBeLessThan(5000);
  });

  it('rejects bad options and data with messages that say what to change', async () => {
    const data = separable(10, 11);
    await expect(train(data, { ...base, learningRate: -1 }, { kernels })).rejects.toThrow(
      /learning rate must be a number > 0/,
    );
    await expect(train(data, { ...base, patience: 3 }, { kernels })).rejects.toThrow(/needs a validation split/);
    await expect(train({ ...data, m: 0 }, base, { kernels })).rejects.toThrow(/no images/);
    await expect(train({ ...data, X: new Uint8Array(5) }, base, { kernels })).rejects.toThrow(/pixel bytes/);
    await expect(train(data, { ...base, hiddenLayers: [0] }, { kernels })).rejects.toThrow(/0 units/);
  });
});
