// The README's "use the exported model without catnet" snippet, run as written: its preprocessing must
// give the app's exact bytes and its probability the engine's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import { loadImageFile } from '../../../src-core/data/images.js';
import { predictProbabilities } from '../../../src-core/nn/predict.js';
import { saveModel } from '../../../src-core/onnx/model-file.js';
import { features, randomCnnModel } from '../../helpers/onnx-cnn.js';
import { randomModel, randomPixels } from '../../helpers/onnx-oracle.js';

const root = join(import.meta.dirname, '../../..');
// Inside the repository (git-ignored) so the snippet's imports resolve from its node_modules.
const dir = join(root, 'test-output', `readme-snippet-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  ['a fully connected net', randomModel([20, 7, 5], 'tanh', 17, 4)],
  ['a CNN', randomCnnModel(features('c4,p,c6k5,p', 'relu'), [8], 'relu', 17, 3)],
])(
  'the README snippet predicts like the engine for %s on a non-square image with transparency',
  async (_name, model) => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Use the exported model without catnet'));
    const snippet = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toContain('onnxruntime-node');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'classify.mjs'), snippet!);
    await saveModel(join(dir, 'm.onnx'), model, randomPixels(2), 2);
    const raw = Buffer.alloc(90 * 70 * 4);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + (i >> 7)) & 255;
    await sharp(raw, { raw: { width: 90, height: 70, channels: 4 } })
      .png()
      .toFile(join(dir, 'photo.png'));

    const out = execFileSync(
      process.execPath,
      [join(dir, 'classify.mjs'), join(dir, 'm.onnx'), join(dir, 'photo.png')],
      {
        encoding: 'utf8',
      },
    );
    const match = /probability ([\d.e-]+), label (\d)/.exec(out);
    expect(match).not.toBeNull();
    const engine = predictProbabilities(model, await loadImageFile(join(dir, 'photo.png')), 1)[0];
    expect(Math.abs(Number(match![1]) - engine)).toBeLessThan(1e-5);
    expect(Number(match![2])).toBe(engine >= 0.5 ? 1 : 0);
  },
);
