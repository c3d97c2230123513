// Convolutional nets through train(): layers text, learning a spatial task on tiny images, continuing
// from a CNN model, and the memory estimate (checked against what the engine really allocates).
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { estimateTrainingBytes } from '../../../src-core/nn/memory.js';
import { Network } from '../../../src-core/nn/network.js';
import { Random } from '../../../src-core/nn/random.js';
import { IMAGE_SHAPE } from '../../../src-core/nn/shapes.js';
import { formatLayers, parseLayers } from '../../../src-core/nn/spec.js';
import { TrainError } from '../../../src-core/train/errors.js';
import { checkTrainingMemory, estimateTrainingMemory } from '../../../src-core/train/memory-budget.js';
import { requestedNetwork } from '../../../src-core/train/network-choice.js';
import type { TrainingData, TrainOptions } from '../../../src-core/train/options.js';
import { train } from '../../../src-core/train/train.js';

const kernels = referenceKernels();
const side = 8;
const n_x = side * side * 3;

/** Noise images; label 1 when a bright 2x2 square sits in the left half, 0 when in the right half. */
function squares(m: number, seed: number): TrainingData {
  const r = new Random(seed);
  const X = Uint8Array.from({ length: m * n_x }, () => r.below(100));
  const Y = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    Y[i] = i % 2;
    const x0 = Y[i] ? r.below(side / 2 - 1) : side / 2 + r.below(side / 2 - 1);
    const y0 = r.below(side - 1);
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++)
        X.fill(250, i * n_x + ((y0 + dy) * side + x0 + dx) * 3, i * n_x + ((y0 + dy) * side + x0 + dx + 1) * 3);
  }
  return { X, Y, m, n_x };
}

const cnn: TrainOptions = {
  layers: 'c4,p,8',
  activation: 'relu',
  init: 'he',
  learningRate: 0.01,
  iterations: 15,
  batchSize: 16,
  optimizer: 'adam',
};

describe('convolutional nets in train()', () => {
  it('reads the layers text, and writes it back', () => {
    // The engine's parser (nn/spec.ts) is the one train() uses: the same config either way.
    expect(requestedNetwork({ layers: 'c16,p,c32k5,p,64', activation: 'tanh' }, 12288)).toEqual(
      parseLayers('c16,p,c32k5,p,64', 'tanh'),
    );
    // Conv layers given as a config keep their own activations.
    const mixed = requestedNetwork(
      {
        features: [{ kind: 'conv', filters: 2, size: 3, activation: 'tanh' }, { kind: 'pool' }],
        hiddenLayers: [3],
        activation: 'relu',
      },
      12288,
    );
    expect(mixed.layerDims).toEqual([2 * 32 * 32, 3, 1]);
    expect(mixed.features?.[0]).toMatchObject({ activation: 'tanh' });
    const config = requestedNetwork({ layers: 'c16,p,c32,p,c64,p,64', activation: 'relu' }, 12288);
    expect(config.layerDims).toEqual([64 * 8 * 8, 64, 1]);
    expect(formatLayers(config)).toBe('c16,p,c32,p,c64,p,64');
    expect(formatLayers(requestedNetwork({ layers: '20,7,5', activation: 'relu' }, 12288))).toBe('20,7,5');
    for (const [text, message] of [
      ['c16,x', /item 2 \("x"\) of "c16,x" is not a layer/],
      ['64,c16', /comes after a dense layer/],
      ['c16k4', /odd size/],
      ['p,c16', /pools the image itself/],
    ] as const)
      expect(() => requestedNetwork({ layers: text, activation: 'relu' }, 12288)).toThrow(
        expect.objectContaining({ code: 'bad-layers', message: expect.stringMatching(message) }),
      );
  });

  it('learns where a square is (a task a conv body finds), deterministically', async () => {
    const data = { ...squares(96, 1), Xtest: squares(64, 2).X, Ytest: squares(64, 2).Y, mtest: 64 };
    const a = await train(data, cnn, { kernels });
    expect(a.stopped).toBe('completed');
    expect(a.model.config.features).toHaveLength(2);
    expect(a.model.config.layerDims).toEqual([4 * 4 * 4, 8, 1]);
    expect(a.model.params.convW?.[0]).toHaveLength(4 * 3 * 3 * 3);
    expect(a.trainAccuracy).toBeGreaterThan(0.9);
    expect(a.testAccuracy).toBeGreaterThan(0.8);
    expect(a.model.summary.hyperparameters?.layersText).toBe('c4,p,8');
    const b = await train(data, cnn, { kernels });
    expect(b.model.params.convW).toEqual(a.model.params.convW);
  });

  it('continues from a CNN model, and refuses one of another shape naming the layers', async () => {
    const data = squares(48, 3);
    const fullBatch = { ...cnn, batchSize: 0, optimizer: 'gd' as const, learningRate: 0.1, iterations: 2 };
    const first = await train(data, fullBatch, { kernels });
    const second = await train(data, { ...fullBatch, initialModel: first.model }, { kernels });
    expect(second.model.summary.hyperparameters?.init).toMatch(/continued/);
    expect(second.costs[0].cost).toBeCloseTo(first.finalCost, 6); // starts where the first ended
    await expect(train(data, { ...cnn, layers: 'c6,p,8', initialModel: first.model }, { kernels })).rejects.toThrow(
      expect.objectContaining({
        code: 'bad-initial-model',
        message: expect.stringMatching(/set the layers to c4,p,8/),
      }),
    );
    const broken = { ...first.model, params: { ...first.model.params, convW: [new Float32Array(5)] } };
    await expect(train(data, { ...cnn, initialModel: broken }, { kernels })).rejects.toThrow(
      /wrong shape at conv layer 1: W 5 and b 4 values .*expected 108 = 4 x 3 x 3 x 3/,
    );
  });
});

describe('training memory', () => {
  const config = requestedNetwork({ layers: 'c16,p,c32,p,c64,p,64', activation: 'relu' }, 12288);
  const run = {
    config,
    image: IMAGE_SHAPE,
    n_x: 12288,
    m: 5000,
    mAll: 5000,
    batch: 5000,
    optimizer: 'adam' as const,
    validation: false,
    earlyStopping: false,
    augment: false,
  };

  it('refuses full batch on a large set before allocating, with the estimate and a batch size that fits', async () => {
    const budget = 4 * 2 ** 30;
    expect(() => checkTrainingMemory(run, budget)).toThrow(TrainError);
    expect(() => checkTrainingMemory(run, budget)).toThrow(
      /needs about \d+\.\d GB \(caches .* full batches of 5000 images.*more than the 4\.0 GB .*use a mini-batch size of 512 or less/,
    );
    expect(checkTrainingMemory({ ...run, batch: 32 }, budget).total).toBeLessThan(budget);
    // Through train(): refused at once (the data is 5000 blank images; nothing else is allocated).
    const data: TrainingData = { X: new Uint8Array(5000 * 12288), Y: new Uint8Array(5000), m: 5000 };
    await expect(
      train(
        data,
        { ...cnn, layers: 'c16,p,c32,p,c64,p,64', batchSize: 0, iterations: 1, memoryLimitBytes: budget },
        { kernels },
      ),
    ).rejects.toThrow(expect.objectContaining({ code: 'too-little-memory' }));
    // The dense case of the reliability review: 10 x 4096 units, full batch on 20,000 images: about 6.5 GB of caches.
    const dense = requestedNetwork({ hiddenLayers: Array(10).fill(4096), activation: 'relu' }, 12288);
    const e = estimateTrainingMemory({ ...run, config: dense, m: 20000, mAll: 20000, batch: 20000, optimizer: 'gd' });
    expect(e.caches / 2 ** 30).toBeGreaterThan(6);
    expect(() =>
      checkTrainingMemory({ ...run, config: dense, m: 20000, mAll: 20000, batch: 20000 }, 8 * 2 ** 30),
    ).toThrow(/mini-batch size/);
  });

  it('counts what a Network really allocates (parameters, gradients, caches) plus the loop copies', () => {
    const batch = 8;
    const before = process.memoryUsage().arrayBuffers;
    const net = new Network(config, batch, kernels);
    const measured = process.memoryUsage().arrayBuffers - before;
    const P = net.paramSlab.byteLength;
    const e = estimateTrainingMemory({ ...run, batch, optimizer: 'adam' });
    // Adam: slab, gradients, v, s, last good, returned copy = 6 P; the Network holds slab + gradients.
    expect(e.parameters).toBe(6 * P);
    const backward = estimateTrainingBytes(config, batch).backward; // allocated on the first backward pass
    expect(Math.abs(measured - (2 * P + e.caches - backward)) / measured).toBeLessThan(0.02);
    expect(estimateTrainingMemory({ ...run, batch, validation: true }).data).toBe(batch * (12288 + 4) + 5000 * 12288);
  });
});
