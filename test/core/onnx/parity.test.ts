import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImageFile } from '../../../src-core/data/images.js';
import { ACTIVATIONS, N_X } from '../../../src-core/nn/model.js';
import { predictProbabilities } from '../../../src-core/nn/predict.js';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { OnnxClassifier } from '../../../src-core/onnx/runtime.js';
import { verifyOnnx } from '../../../src-core/onnx/verify.js';
import { courseDataMissing, coursePath } from '../../helpers/course-data.js';
import { foreignModel } from '../../helpers/onnx-graphs.js';
import { maxAbsDiff, oracleProbabilities, randomModel, randomPixels } from '../../helpers/onnx-oracle.js';

const TOL = 1e-5;
const worst = { onnxVsOracle: 0, engineVsOnnx: 0 };
afterAll(() => console.log(`max |difference| over the parity tests: ${JSON.stringify(worst)}`));

async function onnxProbabilities(bytes: Uint8Array, X: Uint8Array, m: number): Promise<Float32Array> {
  const c = await OnnxClassifier.create(bytes);
  try {
    return await c.predict(X, m);
  } finally {
    await c.release();
  }
}

describe('onnxruntime agrees with the float64 oracle and the engine', () => {
  const m = 24;
  const X = randomPixels(m, 11);
  for (const g of ACTIVATIONS) {
    for (const hidden of [[], [5], [20, 7, 5]]) {
      it(`${g} hidden [${hidden}]`, async () => {
        const model = randomModel(hidden, g, 3 + hidden.length, 6);
        const onnxP = await onnxProbabilities(exportOnnx(model), X, m);
        const oracle = oracleProbabilities(model, X, m);
        const engine = predictProbabilities(model, X, m);
        const d1 = maxAbsDiff(onnxP, oracle);
        const d2 = maxAbsDiff(engine, onnxP);
        worst.onnxVsOracle = Math.max(worst.onnxVsOracle, d1);
        worst.engineVsOnnx = Math.max(worst.engineVsOnnx, d2);
        expect(d1).toBeLessThan(TOL);
        expect(d2).toBeLessThan(TOL);
        // The probabilities are spread, so a wrong layer order or scaling could not pass by accident.
        expect(Math.max(...oracle) - Math.min(...oracle)).toBeGreaterThan(0.005);
      });
    }
  }
});

describe('the label output', () => {
  it('is int64 [N], 1 exactly where probability >= the threshold', async () => {
    const model = randomModel([5], 'tanh', 31, 6);
    const m = 40;
    const X = randomPixels(m, 8);
    const oracle = oracleProbabilities(model, X, m);
    model.threshold = [...oracle].sort()[m >> 1]; // the median: half of each label
    const session = await ort.InferenceSession.create(exportOnnx(model));
    const { probability, label } = await session.run({ image: new ort.Tensor('uint8', X, [m, 64, 64, 3]) });
    expect([probability.dims, label.dims, label.type]).toEqual([[m, 1], [m], 'int64']);
    const P = probability.data as Float32Array;
    const labels = Array.from(label.data as BigInt64Array, Number);
    expect(labels).toEqual(Array.from(P, (p) => (p >= Math.fround(model.threshold) ? 1 : 0)));
    expect(labels.filter((l) => l === 1).length).toBeGreaterThan(10);
    await session.release();
  });
});

describe('round trip export -> import', () => {
  it('gives back identical parameters, metadata and predictions', () => {
    const model = randomModel([20, 7, 5], 'tanh', 5);
    model.classNames = ['dog', 'not dog'];
    model.resize = 'contain';
    model.threshold = 0.7;
    model.summary = { trainImages: 10, testAccuracy: 0.8, date: '2026-11-24', hyperparameters: { lr: 0.01 } };
    const back = importOnnx(exportOnnx(model));
    expect(back.config).toEqual(model.config);
    expect([back.classNames, back.resize, back.threshold, back.summary]).toEqual([
      model.classNames,
      model.resize,
      model.threshold,
      model.summary,
    ]);
    for (let l = 0; l < model.params.W.length; l++) {
      expect(Buffer.from(back.params.W[l].buffer).equals(Buffer.from(model.params.W[l].buffer))).toBe(true);
      expect(Array.from(back.params.b[l])).toEqual(Array.from(model.params.b[l]));
    }
    const X = randomPixels(8, 2);
    expect(Array.from(predictProbabilities(back, X, 8))).toEqual(Array.from(predictProbabilities(model, X, 8)));
  });

  it('reads a MatMul+Add / Gemm(transB=0) / Reshape / Mul graph from another tool', async () => {
    for (const g of ACTIVATIONS) {
      const model = randomModel([6, 4], g, 9);
      const bytes = foreignModel(model);
      const back = importOnnx(bytes, 'foreign.onnx');
      expect(back.config).toEqual(model.config);
      expect(back.classNames).toEqual(['positive', 'negative']);
      expect(back.threshold).toBe(0.5);
      const X = randomPixels(6, 4);
      // The file as written by the other tool, run by onnxruntime, against the engine on the imported model.
      const d = maxAbsDiff(await onnxProbabilities(bytes, X, 6), predictProbabilities(back, X, 6));
      worst.engineVsOnnx = Math.max(worst.engineVsOnnx, d);
      expect(d).toBeLessThan(TOL);
    }
  });

  it('runs a file with a fixed batch size of 1 on any number of images', async () => {
    const model = randomModel([6], 'relu', 12);
    const bytes = foreignModel(model, 1);
    const X = randomPixels(5, 6);
    const d = maxAbsDiff(await onnxProbabilities(bytes, X, 5), predictProbabilities(importOnnx(bytes), X, 5));
    expect(d).toBeLessThan(TOL);
  });
});

describe('verifyOnnx', () => {
  it('passes for the exported model and reports the difference', async () => {
    const model = randomModel([20, 7, 5], 'relu', 21);
    const { maxDifference, images } = await verifyOnnx(exportOnnx(model), model, randomPixels(10, 3), 10);
    expect(images).toBe(12);
    expect(maxDifference).toBeLessThan(TOL);
  });

  it('fails when the bytes compute something else than the engine', async () => {
    const model = randomModel([5], 'relu', 1);
    const other = randomModel([5], 'relu', 2);
    await expect(verifyOnnx(exportOnnx(other), model, randomPixels(4, 3), 4)).rejects.toThrow(
      /Export check failed.*not saved/,
    );
  });
});

const testDir = coursePath('test');
const haveCourse = courseDataMissing('skipping the course-image parity test') === null;

describe('on the course test images', () => {
  it.skipIf(!haveCourse)('onnxruntime and the engine agree on all 50 images', async () => {
    const files = ['cat', 'non-cat'].flatMap((c) => readdirSync(join(testDir, c)).map((f) => join(testDir, c, f)));
    const X = new Uint8Array(files.length * N_X);
    for (const [i, f] of files.entries()) X.set(await loadImageFile(f), i * N_X);
    const model = randomModel([20, 7, 5], 'relu', 13, 4);
    const onnxP = await onnxProbabilities(exportOnnx(model), X, files.length);
    const d = maxAbsDiff(onnxP, predictProbabilities(model, X, files.length));
    worst.engineVsOnnx = Math.max(worst.engineVsOnnx, d);
    expect(files.length).toBe(50);
    expect(d).toBeLessThan(TOL);
  });
});
