// Non-finite attributes and overflowing weights: every float attribute must be finite, W and b after
// Gemm's alpha / beta scaling too, and no accepted model can produce a NaN probability.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { runPredict } from '../../../src-core/cli/predict.js';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { ModelRejected } from '../../../src-core/onnx/model-error.js';
import type { OnnxTypes } from '../../../src-core/onnx/schema.js';
import { features, randomCnnModel } from '../../helpers/onnx-cnn.js';
import { editModel } from '../../helpers/onnx-graphs.js';
import { randomModel } from '../../helpers/onnx-oracle.js';

const dense = exportOnnx(randomModel([4], 'leaky_relu', 3));
const cnn = exportOnnx(randomCnnModel(features('c3,p', 'leaky_relu'), [], 'relu', 3));
const node = (m: OnnxTypes.ModelProto, op: string) => m.graph!.node!.find((n) => n.opType === op)!;
const setFloat = (n: OnnxTypes.INodeProto, name: string, f: number) => {
  n.attribute = (n.attribute ?? []).filter((a) => a.name !== name);
  n.attribute.push({ name, type: 1, f });
};
const setRawFloat = (m: OnnxTypes.ModelProto, name: string, i: number, v: number) => {
  const t = m.graph!.initializer!.find((x) => x.name === name)!;
  new DataView(t.rawData!.buffer, t.rawData!.byteOffset).setFloat32(i * 4, v, true);
};

function refusal(bytes: Uint8Array): ModelRejected {
  try {
    importOnnx(bytes, 'nan.onnx');
  } catch (e) {
    return e as ModelRejected;
  }
  throw new Error('accepted');
}

const cases: Array<[string, Uint8Array, RegExp]> = [
  ['Gemm beta = NaN', editModel(dense, (m) => setFloat(node(m, 'Gemm'), 'beta', Number.NaN)), /"beta" holds NaN/],
  [
    'Gemm alpha = Infinity',
    editModel(dense, (m) => setFloat(node(m, 'Gemm'), 'alpha', Infinity)),
    /"alpha" holds Infinity/,
  ],
  [
    'LeakyRelu alpha = NaN',
    editModel(dense, (m) => setFloat(node(m, 'LeakyRelu'), 'alpha', Number.NaN)),
    /"alpha" holds NaN/,
  ],
  [
    'conv LeakyRelu alpha = -Infinity',
    editModel(cnn, (m) => setFloat(node(m, 'LeakyRelu'), 'alpha', -Infinity)),
    /"alpha" holds -Infinity/,
  ],
  [
    'beta 3e38 times a bias of 10 (float32 overflow)',
    editModel(dense, (m) => {
      setFloat(node(m, 'Gemm'), 'beta', 3e38);
      setRawFloat(m, 'b1', 0, 10);
    }),
    /beta \* bias is Infinity/,
  ],
  [
    'alpha 3e38 times weights of 10 (float32 overflow)',
    editModel(dense, (m) => {
      setFloat(node(m, 'Gemm'), 'alpha', 3e38);
      setRawFloat(m, 'W1', 5, 10);
    }),
    /alpha \* weights is Infinity/,
  ],
  [
    'finite weights of 1e38 (their sums overflow: Inf - Inf = NaN)',
    editModel(dense, (m) => {
      setRawFloat(m, 'W1', 0, 1e38);
      setRawFloat(m, 'W1', 1, -1e38);
      setRawFloat(m, 'W1', 2, 1e38);
    }),
    /weights of dense layer 1 are so large/,
  ],
  [
    'finite conv filters of 1e35',
    editModel(cnn, (m) => setRawFloat(m, 'conv1_W', 3, 1e35)),
    /conv layer 1 are so large/,
  ],
];

describe('float attributes and scaled weights must be finite', () => {
  it.each(cases)('%s', (name, bytes, message) => {
    const e = refusal(bytes);
    console.log(`${name}: ${e.message}`);
    expect(e).toBeInstanceOf(ModelRejected);
    expect(e.code).toBe('not-finite');
    expect(e.message).toMatch(/nan\.onnx/);
    expect(e.message).toMatch(message);
  });

  it('the same weights at a sane scale are accepted (the bound is not too strict)', () => {
    const model = importOnnx(exportOnnx(randomModel([64, 32], 'relu', 5, 40)), 'ok.onnx');
    expect(model.config.layerDims).toEqual([12288, 64, 32, 1]);
  });
});

describe('catnet predict with a NaN-beta model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catnet-nan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 with the reason, and prints no probability', async () => {
    writeFileSync(join(dir, 'nan.onnx'), cases[0][1]);
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .png()
      .toFile(join(dir, 'x.png'));
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPredict(join(dir, 'nan.onnx'), [join(dir, 'x.png')], 'text', {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/nan\.onnx.*"beta" holds NaN/);
  });
});
