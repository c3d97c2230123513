// TrainResult.costHistory: J every k = max(1, ceil(total / 500)) updates from update 0, plus the final
// J; checked against the cost each progress report carries (reported after every update here).
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import type { TrainingData, TrainOptions, TrainProgress } from '../../../src-core/train/options.js';
import { train } from '../../../src-core/train/train.js';
import { separable as makeSeparable } from '../../helpers/separable.js';

const kernels = referenceKernels();
const n_x = 16;

const separable = (m: number, seed: number): TrainingData => makeSeparable(m, seed, n_x);

/** Runs train() reporting after every update; progress[t] is the cost at update t. */
async function run(options: Partial<TrainOptions>) {
  const reports: TrainProgress[] = [];
  const result = await train(
    separable(60, 3),
    {
      hiddenLayers: [3],
      activation: 'relu',
      init: 'he',
      learningRate: 0.05,
      iterations: 300,
      ...options,
      progressIntervalMs: 0,
    },
    { kernels, onProgress: (p) => reports.push(p) },
  );
  const perUpdate = reports.slice(0, result.iterations);
  for (const [t, p] of perUpdate.entries()) expect(p.iteration).toBe(t + 1);
  return { result, perUpdate };
}

describe('cost history', () => {
  it('short run: every update (k = 1), the first point being the first progress cost', async () => {
    const { result, perUpdate } = await run({ iterations: 300 });
    const h = result.costHistory!;
    expect(h).toHaveLength(301);
    expect(h[0]).toEqual({ iteration: 0, cost: perUpdate[0]!.cost });
    for (let t = 0; t < 300; t++) expect(h[t]).toEqual({ iteration: t, cost: perUpdate[t]!.cost });
    expect(h[300]).toEqual({ iteration: 300, cost: result.finalCost });
  });

  it('long run: every ceil(total / 500) updates, about 500 points', async () => {
    const { result, perUpdate } = await run({ iterations: 1234 });
    const k = Math.ceil(1234 / 500); // 3
    const h = result.costHistory!;
    const expected = [];
    for (let t = 0; t < 1234; t += k) expected.push({ iteration: t, cost: perUpdate[t]!.cost });
    expected.push({ iteration: 1234, cost: result.finalCost });
    expect(h).toEqual(expected);
    expect(h.length).toBeLessThanOrEqual(502);
  });

  it('mini-batch: counts parameter updates (epochs x batches)', async () => {
    const { result, perUpdate } = await run({ iterations: 10, batchSize: 16, optimizer: 'adam', learningRate: 0.01 });
    expect(result.iterations).toBe(40); // 10 epochs x ceil(60 / 16)
    const h = result.costHistory!;
    expect(h.map((p) => p.iteration)).toEqual([...Array.from({ length: 40 }, (_, t) => t), 40]);
    expect(h[5]!.cost).toBe(perUpdate[5]!.cost);
  });
});
