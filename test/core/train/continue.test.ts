// Continue training (TrainOptions.initialModel): 50 iterations, export to ONNX bytes, import, 50 more
// must follow the cost trajectory of one 100-iteration run (the oracle) for full-batch gd; mismatched
// networks are refused naming both; the worker path gives the same numbers and leaves the caller's
// model intact.
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../../src-core/kernels/select.js';
import { type Model, N_X, type NetworkConfig } from '../../../src-core/nn/model.js';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { checkInitialModel } from '../../../src-core/train/initial-model.js';
import type { TrainOptions, TrainResult } from '../../../src-core/train/options.js';
import { train } from '../../../src-core/train/train.js';
import { trainInWorker } from '../../../src-core/train/trainer.js';
import { separable } from '../../helpers/separable.js';

const kernels = getKernels();

/** 24 images of n_x = 12288 bytes; y = 1 when the first half of the pixels outweighs the second. */
const data = separable(24, 7, N_X);
const options: TrainOptions = {
  hiddenLayers: [4],
  activation: 'relu',
  init: 'course',
  learningRate: 0.05,
  iterations: 50,
  seed: 2,
  progressIntervalMs: 0, // with a progress hook: every iteration's cost is recorded
};
const everyCost = { onProgress: () => {}, kernels };

/** Cost of iteration t (before its update) for t = 0..iterations, the last being finalCost. */
const trajectory = (r: TrainResult) => r.costs.map((c) => c.cost);

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let d = 0;
  a.forEach((x, l) => {
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - b[l][i]));
  });
  return d;
}

function viaOnnx(model: Model): Model {
  return importOnnx(exportOnnx(model), 'first-run.onnx');
}

describe('continue training from a model', () => {
  it('50 + 50 iterations through ONNX follow one 100-iteration run (full-batch gd)', async () => {
    const first = await train(data, options, everyCost);
    const single = await train(data, { ...options, iterations: 100 }, everyCost);
    const imported = viaOnnx(first.model);
    const W1 = imported.params.W[0].slice();
    const second = await train(data, { ...options, initialModel: imported }, everyCost);

    expect(first.costs.map((c) => c.iteration)).toEqual(Array.from({ length: 51 }, (_, t) => t));
    expect(second.stopped).toBe('completed');
    expect(second.iterations).toBe(50);
    // The continued run starts where the first one ended.
    expect(Math.abs(second.costs[0].cost - first.finalCost)).toBeLessThanOrEqual(1e-6);
    // ... and goes on exactly as the single run did (iterations 50..100 of it).
    const tail = trajectory(single).slice(50);
    const continued = trajectory(second);
    expect(continued).toHaveLength(tail.length);
    for (let t = 0; t < tail.length; t++) expect(Math.abs(continued[t] - tail[t])).toBeLessThanOrEqual(1e-6);
    expect(continued.at(-1)!).toBeLessThan(continued[0]); // it does learn
    expect(maxDifference(second.model.params.W, single.model.params.W)).toBeLessThanOrEqual(1e-6);
    expect(maxDifference(second.model.params.b, single.model.params.b)).toBeLessThanOrEqual(1e-6);
    // A fresh run with the same options starts elsewhere (the initial model is really used) ...
    expect(Math.abs(first.costs[0].cost - second.costs[0].cost)).toBeGreaterThan(1e-4);
    // ... and the model it started from is not modified.
    expect(imported.params.W[0]).toEqual(W1);
    expect(second.model.summary.hyperparameters?.init).toMatch(/continued/);
  });

  it('refuses a network that does not match, naming both', async () => {
    const first = await train(data, { ...options, iterations: 2 }, { kernels });
    const initialModel = viaOnnx(first.model);
    await expect(train(data, { ...options, hiddenLayers: [5], initialModel }, { kernels })).rejects.toThrow(
      /model to continue from is \[12288, 4, 1\] relu but the requested network is \[12288, 5, 1\] relu; .*hidden layers to 4 and the activation to relu/,
    );
    await expect(train(data, { ...options, activation: 'tanh', initialModel }, { kernels })).rejects.toThrow(
      /\[12288, 4, 1\] relu but the requested network is \[12288, 4, 1\] tanh/,
    );
    await expect(train(data, { ...options, hiddenLayers: [], initialModel }, { kernels })).rejects.toThrow(
      /requested network is \[12288, 1\] logistic regression/,
    );
    const short: Model = {
      ...initialModel,
      params: { W: [new Float32Array(3), initialModel.params.W[1]], b: initialModel.params.b },
    };
    await expect(train(data, { ...options, initialModel: short }, { kernels })).rejects.toThrow(
      /wrong shape at layer 1: W 3 and b 4 values .*expected 49152 = 4 x 12288 and 4/,
    );
    const nan: Model = {
      ...initialModel,
      params: { W: initialModel.params.W, b: [new Float32Array([0, Number.NaN, 0, 0]), initialModel.params.b[1]] },
    };
    await expect(train(data, { ...options, initialModel: nan }, { kernels })).rejects.toThrow(/b1\[1\] = NaN/);
  });

  it('through the worker: same numbers as in-process, the caller keeps its arrays, mismatch reported', async () => {
    const first = await train(data, options, { kernels });
    const initialModel = viaOnnx(first.model);
    const before = initialModel.params.W.map((W) => W.slice());
    const inWorker = await trainInWorker(data, { ...options, initialModel });
    const inProcess = await train(data, { ...options, initialModel }, { kernels });
    expect(inWorker.backend).toEqual(kernels.info);
    expect(inWorker.model.params).toEqual(inProcess.model.params);
    expect(inWorker.finalCost).toBe(inProcess.finalCost);
    expect(initialModel.params.W).toEqual(before); // copied, not transferred away
    await expect(trainInWorker(data, { ...options, hiddenLayers: [3], initialModel })).rejects.toThrow(
      /training failed: training options: the model to continue from is \[12288, 4, 1\] relu but the requested network is \[12288, 3, 1\] relu/,
    );
  });
});

describe('checkInitialModel', () => {
  it('explains that a model with mixed hidden activations cannot be continued', () => {
    const layerDims = [N_X, 2, 2, 1];
    const params = {
      W: [new Float32Array(2 * N_X), new Float32Array(4), new Float32Array(2)],
      b: [new Float32Array(2), new Float32Array(2), new Float32Array(1)],
    };
    const requested: NetworkConfig = { layerDims, activations: ['relu', 'relu', 'sigmoid'] };
    const mixed: NetworkConfig = { layerDims, activations: ['relu', 'tanh', 'sigmoid'] };
    expect(() => checkInitialModel({ config: mixed, params }, requested)).toThrow(
      /is \[12288, 2, 2, 1\] relu\/tanh, with different hidden activations; .*cannot continue this model/,
    );
    expect(() => checkInitialModel({ config: requested, params }, requested)).not.toThrow();
  });
});
