// The training memory estimate against what a Network actually allocates, and the batch it suggests.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { networkConfig } from '../../../src-core/nn/config.js';
import { estimateTrainingBytes, largestBatchWithin, predictionChunk } from '../../../src-core/nn/memory.js';
import { Network } from '../../../src-core/nn/network.js';
import { parseLayers } from '../../../src-core/nn/spec.js';

const kernels = referenceKernels();

describe('estimateTrainingBytes', () => {
  for (const [text, image] of [
    ['20,7,5', undefined],
    ['', undefined],
    ['c4,p,c3k5,p,6', { c: 3, h: 9, w: 8 }],
    ['c2,7', { c: 3, h: 4, w: 4 }],
  ] as const)
    it(`"${text}": parameters, gradients, caches and backward buffers are what Network allocates`, () => {
      const config = image ? parseLayers(text, 'relu', image) : networkConfig(text ? [20, 7, 5] : [], 'relu');
      const m = 5;
      const net = new Network(config, m, kernels, image);
      const n = net.inputSize;
      net.forwardCost(new Uint8Array(m * n), new Float32Array(m), m);
      net.backward(new Uint8Array(m * n), m);
      const estimate = estimateTrainingBytes(config, m, { optimizerCopies: 2, parameterSnapshots: 1, image });
      const actual = net.memoryBytes();
      expect({
        params: estimate.params,
        grads: estimate.grads,
        caches: estimate.caches,
        backward: estimate.backward,
      }).toEqual(actual);
      expect(estimate.optimizer).toBe(2 * actual.params);
      expect(estimate.snapshots).toBe(actual.params);
      expect(estimate.batch).toBe(m * (n + 4));
      expect(estimate.total).toBe(Object.values(actual).reduce((a, b) => a + b, 0) + 3 * actual.params + m * (n + 4));
    });

  it("the issue's CNN at batch 32 needs tens of MB; a full batch of 5,000 photos is refused by a 2 GB budget", () => {
    const cnn = parseLayers('c16,p,c32,p,c64,p,64', 'relu');
    const b32 = estimateTrainingBytes(cnn, 32, { optimizerCopies: 2 }).total;
    expect(b32).toBeGreaterThan(20e6);
    expect(b32).toBeLessThan(80e6);
    const budget = 2 * 2 ** 30;
    expect(estimateTrainingBytes(cnn, 5000, { optimizerCopies: 2 }).total).toBeGreaterThan(budget);
    const B = largestBatchWithin(cnn, budget, { optimizerCopies: 2 });
    expect(estimateTrainingBytes(cnn, B, { optimizerCopies: 2 }).total).toBeLessThanOrEqual(budget);
    expect(estimateTrainingBytes(cnn, B + 1, { optimizerCopies: 2 }).total).toBeGreaterThan(budget);
  });

  it('prediction chunks: 512 for the course nets, fewer for a CNN', () => {
    expect(predictionChunk(networkConfig([20, 7, 5], 'relu'))).toBe(512);
    const chunk = predictionChunk(parseLayers('c16,p,c32,p,c64,p,64', 'relu'));
    expect(chunk).toBeGreaterThan(8);
    expect(chunk).toBeLessThan(128);
  });
});
