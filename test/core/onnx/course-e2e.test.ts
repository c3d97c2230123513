// Train, save, predict, in-process: train on the course's training images, save (export + verify +
// atomic write), then `catnet predict` on the test folder gives the engine's test accuracy.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runPredict } from '../../../src-core/cli/predict.js';
import { loadImageFile } from '../../../src-core/data/images.js';
import { N_X } from '../../../src-core/nn/model.js';
import { saveModel } from '../../../src-core/onnx/model-file.js';
import { train } from '../../../src-core/train/train.js';
import { COURSE_DATA_DIR, courseDataMissing } from '../../helpers/course-data.js';

const data = COURSE_DATA_DIR;
const have = courseDataMissing('skipping the course end-to-end ONNX test') === null;
const dir = mkdtempSync(join(tmpdir(), 'catnet-course-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(split: 'train' | 'test') {
  const files = ['cat', 'non-cat'].flatMap((c) =>
    readdirSync(join(data, split, c)).map((f) => [c, join(data, split, c, f)]),
  );
  const X = new Uint8Array(files.length * N_X);
  const Y = new Uint8Array(files.length);
  for (const [i, [c, f]] of files.entries()) {
    X.set(await loadImageFile(f), i * N_X);
    Y[i] = c === 'cat' ? 1 : 0;
  }
  return { X, Y, m: files.length };
}

it.skipIf(!have)('train -> save m.onnx -> predict on the test folder: same test accuracy as the engine', async () => {
  const tr = await load('train');
  const te = await load('test');
  const result = await train(
    { X: tr.X, Y: tr.Y, m: tr.m, Xtest: te.X, Ytest: te.Y, mtest: te.m },
    {
      // The course's logistic regression (zeros, alpha 0.005), shortened: fast, and far from constant.
      hiddenLayers: [],
      activation: 'relu',
      init: 'zeros',
      learningRate: 0.005,
      iterations: 400,
      seed: 1,
      classNames: ['cat', 'non-cat'],
    },
  );
  const file = join(dir, 'm.onnx');
  const saved = await saveModel(file, result.model, tr.X, 64);
  expect(saved.maxDifference).toBeLessThan(1e-5);

  const out: string[] = [];
  const code = await runPredict(file, [join(data, 'test')], 'json', { out: (l) => out.push(l), err: () => {} });
  expect(code).toBe(0);
  const doc = JSON.parse(out.join('\n'));
  expect(doc.accuracy.total).toBe(50);
  expect(doc.accuracy.accuracy).toBeCloseTo(result.testAccuracy!, 10);
  // Not a constant classifier, so agreeing on the accuracy means agreeing image by image.
  const positives = doc.results.filter((r: { label: number }) => r.label === 1).length;
  expect(positives).toBeGreaterThan(5);
  expect(positives).toBeLessThan(45);
  console.log(
    `course logistic regression, 400 iterations: engine test accuracy ${result.testAccuracy}, ` +
      `catnet predict ${doc.accuracy.accuracy} (${doc.accuracy.correct}/50); verify max |difference| ${saved.maxDifference}`,
  );
});
