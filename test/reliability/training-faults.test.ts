// Faults in training: cancel at random moments (the loop stops promptly, the parameters returned are
// the ones the reported cost belongs to, all finite, and training starts again fine), a learning rate
// of 1e6 (divergence caught, no NaN model). The app-level versions (worker death, divergence through
// the back end) are in app-training-faults.test.ts.

import { afterAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src-core/nn/model.js';
import type { TrainingData, TrainOptions } from '../../src-core/train/options.js';
import { train } from '../../src-core/train/train.js';
import { TrainingWorker } from '../../src-core/train/trainer.js';

const CANCELS = Number(process.env.CATNET_CANCELS ?? 100);
const WORKER_CANCELS = Number(process.env.CATNET_WORKER_CANCELS ?? 10);

/** m random examples of n_x features, labels from a hidden linear rule (so there is something to learn). */
function dataset(m: number, n_x: number, seed: number): TrainingData {
  let s = seed >>> 0 || 1;
  const r = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  };
  const X = Uint8Array.from({ length: m * n_x }, r);
  const Y = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    let z = 0;
    for (let j = 0; j < n_x; j++) z += (j % 2 === 0 ? 1 : -1) * X[i * n_x + j]!;
    Y[i] = z > 0 ? 1 : 0;
  }
  return { X, Y, m, n_x };
}

/** Independent float64 cost J of a model on the data (the course's equations, written plainly). */
function oracleCost(model: Model, data: TrainingData): number {
  const { layerDims, activations } = model.config;
  const n_x = layerDims[0]!;
  let J = 0;
  for (let i = 0; i < data.m; i++) {
    let A = Array.from(data.X.subarray(i * n_x, (i + 1) * n_x), (v) => v / 255);
    for (let l = 1; l < layerDims.length; l++) {
      const W = model.params.W[l - 1]!;
      const b = model.params.b[l - 1]!;
      const next: number[] = [];
      for (let k = 0; k < layerDims[l]!; k++) {
        let z = b[k]!;
        for (let j = 0; j < A.length; j++) z += W[k * A.length + j]! * A[j]!;
        const g = activations[l - 1];
        next.push(g === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : g === 'relu' ? Math.max(0, z) : Math.tanh(z));
      }
      A = next;
    }
    const a = Math.min(Math.max(A[0]!, 1e-12), 1 - 1e-12);
    J -= data.Y[i]! ? Math.log(a) : Math.log(1 - a);
  }
  return J / data.m;
}

function allFinite(model: Model): boolean {
  return [...model.params.W, ...model.params.b].every((a) => a.every(Number.isFinite));
}

function shapesRight(model: Model): boolean {
  const d = model.config.layerDims;
  return (
    model.params.W.every((W, l) => W.length === d[l + 1]! * d[l]!) &&
    model.params.b.every((b, l) => b.length === d[l + 1])
  );
}

const OPTIONS: TrainOptions = {
  hiddenLayers: [4],
  activation: 'relu',
  init: 'he',
  learningRate: 0.05,
  iterations: 1_000_000,
  seed: 3,
  progressIntervalMs: 5,
};

describe('cancel training at random moments', () => {
  const data = dataset(48, 24, 7);
  const figures: Record<'in-process' | 'worker', number[]> = { 'in-process': [], worker: [] };
  afterAll(() => {
    for (const [where, ms] of Object.entries(figures)) {
      if (ms.length === 0) continue;
      ms.sort((a, b) => a - b);
      console.info(
        `cancel -> result (${where}): median ${ms[ms.length >> 1]!.toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms over ${ms.length} cancels`,
      );
    }
  });

  it(`${CANCELS} cancels in-process: stops promptly with consistent, finite parameters`, async () => {
    let seed = 99;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let k = 0; k < CANCELS; k++) {
      const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
      const delay = random() * 60;
      let cancelledAt = 0;
      const timer = setTimeout(() => {
        cancelledAt = performance.now();
        Atomics.store(cancelFlag, 0, 1);
      }, delay);
      const result = await train(data, { ...OPTIONS, seed: k + 1 }, { cancelFlag, onProgress: () => undefined });
      clearTimeout(timer);
      const latency = performance.now() - (cancelledAt || performance.now());
      figures['in-process'].push(latency);
      expect(result.stopped).toBe('cancelled');
      // Stopped within the run, not at its end (the latency goes to the printed figures, not an assertion).
      expect(result.iterations).toBeLessThan(OPTIONS.iterations ?? Number.POSITIVE_INFINITY);
      expect(allFinite(result.model) && shapesRight(result.model)).toBe(true);
      // The cost reported is the cost of the parameters returned (no half-applied update).
      expect(Math.abs(oracleCost(result.model, data) - result.finalCost)).toBeLessThan(1e-4 * (1 + result.finalCost));
      expect(result.model.summary.iterations).toBe(result.iterations);
    }
    // Training starts again and completes after all of that.
    const again = await train(data, { ...OPTIONS, iterations: 200 });
    expect(again.stopped).toBe('completed');
    expect(again.iterations).toBe(200);
    expect(again.finalCost).toBeLessThan(again.costs[0]!.cost); // it learns
  });

  it(`${WORKER_CANCELS} cancels of the real worker thread: each run ends 'cancelled' before its last iteration`, async () => {
    for (let k = 0; k < WORKER_CANCELS; k++) {
      let progressSeen = 0;
      const worker = new TrainingWorker(data, { ...OPTIONS, seed: k + 1 }, { onProgress: () => progressSeen++ });
      await new Promise((resolve) => setTimeout(resolve, 50 + ((k * 37) % 200)));
      const cancelledAt = performance.now();
      worker.cancel();
      const result = await worker.result;
      const latency = performance.now() - cancelledAt;
      figures.worker.push(latency);
      expect(result.stopped).toBe('cancelled');
      expect(result.iterations).toBeLessThan(OPTIONS.iterations ?? Number.POSITIVE_INFINITY);
      expect(allFinite(result.model) && shapesRight(result.model)).toBe(true);
      expect(Math.abs(oracleCost(result.model, data) - result.finalCost)).toBeLessThan(1e-4 * (1 + result.finalCost));
    }
    const again = await new TrainingWorker(data, { ...OPTIONS, iterations: 100 }).result;
    expect(again.stopped).toBe('completed');
  });
});

describe('learning rate 1e6', () => {
  const data = dataset(48, 24, 8);
  for (const optimizer of ['gd', 'momentum', 'adam'] as const)
    for (const activation of ['relu', 'tanh', 'sigmoid'] as const)
      it(`${optimizer}, ${activation}: divergence caught, the parameters returned are finite`, async () => {
        const result = await train(data, {
          ...OPTIONS,
          activation,
          optimizer,
          learningRate: 1e6,
          iterations: 500,
        });
        expect(result.stopped).toBe('diverged');
        expect(result.message).toMatch(/learning rate 1000000 is too large; try/);
        expect(allFinite(result.model)).toBe(true);
        expect(Number.isFinite(result.finalCost)).toBe(true);
      });
});
