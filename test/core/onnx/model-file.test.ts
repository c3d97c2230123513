import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src-core/fsio/atomic.js';
import { predictProbabilities } from '../../../src-core/nn/predict.js';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { loadClassifierFile, loadModelFile, saveModel } from '../../../src-core/onnx/model-file.js';
import { maxAbsDiff, randomModel, randomPixels } from '../../helpers/onnx-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'catnet-model-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces a file and leaves no temporary file', async () => {
    const file = join(dir, 'a.bin');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('fails with a message naming the path when the folder is missing', async () => {
    await expect(writeFileAtomic(join(dir, 'no', 'such', 'x.onnx'), 'x')).rejects.toThrow(/Could not write .*x\.onnx/);
  });
});

describe('saveModel / loadModelFile', () => {
  it('saves a verified model that loads back and predicts identically', async () => {
    const model = randomModel([20, 7, 5], 'relu', 4);
    const file = join(dir, 'm.onnx');
    const saved = await saveModel(file, model, randomPixels(16, 1), 16);
    expect(saved.maxDifference).toBeLessThan(1e-5);
    expect(saved.bytes).toBe(readFileSync(file).length);
    const back = await loadModelFile(file);
    const X = randomPixels(5, 9);
    expect(Array.from(predictProbabilities(back, X, 5))).toEqual(Array.from(predictProbabilities(model, X, 5)));
    const c = await loadClassifierFile(file);
    expect(maxAbsDiff(await c.predict(X, 5), predictProbabilities(model, X, 5))).toBeLessThan(1e-5);
    await c.release();
  });

  it('does not touch an existing file when the model cannot be exported', async () => {
    const file = join(dir, 'keep.onnx');
    writeFileSync(file, 'previous model');
    const bad = randomModel([3], 'relu');
    bad.params.W[0][0] = Number.NaN;
    await expect(saveModel(file, bad, randomPixels(2), 2)).rejects.toThrow(/W1\[0\] is NaN/);
    expect(readFileSync(file, 'utf8')).toBe('previous model');
  });

  it('refuses folders, missing files and non-models with the path in the message', async () => {
    mkdirSync(join(dir, 'folder.onnx'));
    await expect(loadModelFile(join(dir, 'folder.onnx'))).rejects.toThrow(/folder\.onnx: it is not a regular file/);
    await expect(loadModelFile(join(dir, 'missing.onnx'))).rejects.toThrow(/Cannot open model .*missing\.onnx/);
    if (process.platform !== 'win32') {
      // A named pipe must not hang the read: refused as not a regular file.
      execFileSync('mkfifo', [join(dir, 'pipe.onnx')]);
      await expect(loadModelFile(join(dir, 'pipe.onnx'))).rejects.toThrow(/pipe\.onnx: it is not a regular file/);
    }
    writeFileSync(join(dir, 'text.onnx'), 'hello, I am not a model');
    await expect(loadModelFile(join(dir, 'text.onnx'))).rejects.toThrow(/text\.onnx/);
    writeFileSync(join(dir, 'cut.onnx'), exportOnnx(randomModel([3], 'tanh')).subarray(0, 5000));
    await expect(loadModelFile(join(dir, 'cut.onnx'))).rejects.toThrow(/cut\.onnx is not a valid ONNX file/);
  });
});
