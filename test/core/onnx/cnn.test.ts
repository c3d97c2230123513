// Convolutional models through the model file: export -> onnxruntime against the reference-kernel
// oracle, export -> import round trip (bit-equal), the graph catnet writes, the onnx package's checker.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activation } from '../../../src-core/nn/model.js';
import { predictProbabilities } from '../../../src-core/nn/predict.js';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { KEY } from '../../../src-core/onnx/metadata.js';
import { OnnxClassifier } from '../../../src-core/onnx/runtime.js';
import { type OnnxTypes, onnx } from '../../../src-core/onnx/schema.js';
import { verifyOnnx } from '../../../src-core/onnx/verify.js';
import { cnnOracleProbabilities, features, randomCnnModel } from '../../helpers/onnx-cnn.js';
import { editModel } from '../../helpers/onnx-graphs.js';
import { maxAbsDiff, randomPixels } from '../../helpers/onnx-oracle.js';

const TOL = 1e-5;
let worst = 0;
let worstEngine = 0;
afterAll(() =>
  console.log(`CNN: max |onnxruntime - reference-kernel oracle| ${worst}, max |onnxruntime - engine| ${worstEngine}`),
);

async function onnxProbabilities(bytes: Uint8Array, X: Uint8Array, m: number): Promise<Float32Array> {
  const c = await OnnxClassifier.create(bytes, 'cnn.onnx');
  try {
    return await c.predict(X, m);
  } finally {
    await c.release();
  }
}

/**
 * [body, dense hidden sizes, activation, seed]: k 3 and 5, every activation, one and several convs,
 * pools (seeds chosen so no layer is dead on random images, i.e. the probabilities spread).
 */
const CNN_CASES: Array<[string, number[], Activation, number]> = [
  ['c4,p', [], 'relu', 40],
  ['c3k5,p,c5,p', [6], 'tanh', 41],
  ['c4,c3,p', [5], 'leaky_relu', 42],
  ['c2k5,p,p', [], 'sigmoid', 43],
  ['c3,p,p,c4k5,p', [4, 3], 'relu', 46],
];

describe('CNN export: onnxruntime agrees with the reference kernels', () => {
  const m = 5;
  const X = randomPixels(m, 21);
  for (const [body, hidden, g, seed] of CNN_CASES) {
    it(`${body} -> [${hidden}] ${g}`, async () => {
      const model = randomCnnModel(features(body, g), hidden, g, seed, 3);
      const onnxP = await onnxProbabilities(exportOnnx(model), X, m);
      const oracle = cnnOracleProbabilities(model, X, m);
      const d = maxAbsDiff(onnxP, oracle);
      worst = Math.max(worst, d);
      expect(d).toBeLessThan(TOL);
      // Spread probabilities: a wrong layout (HWC vs CHW) or layer order could not pass by accident.
      expect(Math.max(...oracle) - Math.min(...oracle)).toBeGreaterThan(0.005);
    });
  }
});

describe('CNN export: onnxruntime agrees with the engine (Network forward pass)', () => {
  const m = 7;
  const X = randomPixels(m, 23);
  for (const [body, hidden, g, seed] of CNN_CASES) {
    it(`${body} -> [${hidden}] ${g}`, async () => {
      const model = randomCnnModel(features(body, g), hidden, g, seed, 3);
      const bytes = exportOnnx(model);
      const onnxP = await onnxProbabilities(bytes, X, m);
      const engine = predictProbabilities(model, X, m);
      const d = maxAbsDiff(onnxP, engine);
      worstEngine = Math.max(worstEngine, d);
      expect(d).toBeLessThan(TOL);
      // The imported model runs in the engine exactly as the exported one.
      expect(Array.from(predictProbabilities(importOnnx(bytes), X, m))).toEqual(Array.from(engine));
    });
  }

  it('verifyOnnx passes for a CNN and fails for another CNN', async () => {
    const model = randomCnnModel(features('c4,p,c6k5,p', 'tanh'), [5], 'tanh', 5, 3);
    const { maxDifference } = await verifyOnnx(exportOnnx(model), model, randomPixels(6, 2), 6);
    expect(maxDifference).toBeLessThan(TOL);
    const other = randomCnnModel(features('c4,p,c6k5,p', 'tanh'), [5], 'tanh', 6, 3);
    await expect(verifyOnnx(exportOnnx(other), model, randomPixels(6, 2), 6)).rejects.toThrow(/Export check failed/);
  });
});

describe('CNN import', () => {
  it('gives back the same config and bit-equal parameters; re-export is byte-identical', () => {
    for (const [i, [body, hidden, g]] of CNN_CASES.entries()) {
      const model = randomCnnModel(features(body, g), hidden, g, 60 + i);
      const bytes = exportOnnx(model, { appVersion: '1' });
      const back = importOnnx(bytes, 'cnn.onnx');
      expect(back.config).toEqual(model.config);
      const same = (a: Float32Array[] = [], b: Float32Array[] = []) =>
        a.length === b.length &&
        a.every((x, l) =>
          Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(
            Buffer.from(b[l].buffer, b[l].byteOffset, b[l].byteLength),
          ),
        );
      expect(same(back.params.convW, model.params.convW)).toBe(true);
      expect(same(back.params.convB, model.params.convB)).toBe(true);
      expect(same(back.params.W, model.params.W)).toBe(true);
      expect(same(back.params.b, model.params.b)).toBe(true);
      expect(Buffer.from(exportOnnx(back, { appVersion: '1' })).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('the imported model predicts like the file (oracle on the imported parameters)', async () => {
    const model = randomCnnModel(features('c3,p,c4k5,p', 'relu'), [5], 'relu', 9, 3);
    const bytes = exportOnnx(model);
    const X = randomPixels(4, 3);
    const d = maxAbsDiff(await onnxProbabilities(bytes, X, 4), cnnOracleProbabilities(importOnnx(bytes), X, 4));
    expect(d).toBeLessThan(TOL);
  });
});

it('imports a CNN graph written by another tool: Transpose before the Cast, Mul by 1/255, Reshape, no conv bias', async () => {
  const model = randomCnnModel(features('c3,p,c4k5,p', 'tanh'), [5], 'tanh', 8, 3);
  model.params.convB![1].fill(0); // the file below has no bias on the second conv
  const bytes = editModel(exportOnnx(model), (m) => {
    const g = m.graph!;
    const byOp = (op: string) => g.node!.find((n) => n.opType === op)!;
    const [cast, div, transpose, flatten] = ['Cast', 'Div', 'Transpose', 'Flatten'].map(byOp);
    transpose.input = ['image'];
    transpose.output = ['nchw'];
    cast.input = ['nchw'];
    div.opType = 'Mul';
    g.initializer!.find((t) => t.name === 'pixel_scale')!.rawData = new Uint8Array(new Float32Array([1 / 255]).buffer);
    g.node!.find((n) => n.opType === 'Conv')!.input![0] = 'image_scaled';
    g.node = [transpose, ...g.node!.filter((n) => n !== transpose)];
    g.node!.filter((n) => n.opType === 'Conv')[1].input!.length = 2;
    flatten.opType = 'Reshape';
    flatten.attribute = [];
    flatten.input!.push('flat_shape');
    g.initializer!.push({ name: 'flat_shape', dims: [2], dataType: 7, int64Data: [-1, 4 * 16 * 16] });
  });
  const back = importOnnx(bytes, 'foreign-cnn.onnx');
  expect(back.config).toEqual(model.config);
  const X = randomPixels(5, 9);
  const d = maxAbsDiff(await onnxProbabilities(bytes, X, 5), predictProbabilities(back, X, 5));
  expect(d).toBeLessThan(TOL);
  expect(maxAbsDiff(predictProbabilities(back, X, 5), predictProbabilities(model, X, 5))).toBeLessThan(TOL);
});

describe('the CNN graph catnet writes', () => {
  const model = randomCnnModel(features('c4,p,c6k5,p', 'leaky_relu'), [5], 'leaky_relu', 3);
  const decoded = onnx.ModelProto.decode(exportOnnx(model, { appVersion: '2.0' }));
  const graph = decoded.graph as OnnxTypes.GraphProto;

  it('Cast, Div, Transpose, Conv + activation, MaxPool, Flatten, Gemm; same outputs, opset 13, IR 7', () => {
    expect(graph.node.map((n) => n.opType)).toEqual(
      'Cast Div Transpose Conv LeakyRelu MaxPool Conv LeakyRelu MaxPool Flatten Gemm LeakyRelu Gemm Sigmoid GreaterOrEqual Cast Squeeze'.split(
        ' ',
      ),
    );
    expect([Number(decoded.irVersion), Number(decoded.opsetImport[0].version)]).toEqual([7, 13]);
    expect(graph.output.map((o) => o.name)).toEqual(['probability', 'label']);
    const conv = graph.node.filter((n) => n.opType === 'Conv')[1];
    const attr = Object.fromEntries(
      (conv.attribute ?? []).map((a) => [a.name, a.ints?.length ? a.ints.map(Number) : Number(a.i)]),
    );
    expect(attr).toEqual({ kernel_shape: [5, 5], pads: [2, 2, 2, 2], strides: [1, 1], dilations: [1, 1], group: 1 });
    const dims = (name: string) => (graph.initializer.find((t) => t.name === name)?.dims ?? []).map(Number);
    expect(dims('conv2_W')).toEqual([6, 4, 5, 5]);
    expect(dims('W1')).toEqual([5, 6 * 16 * 16]);
  });

  it('writes the layers in the metadata', () => {
    const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    const network = JSON.parse(meta[KEY.network]);
    expect(network.layers).toBe('c4,p,c6k5,p,5');
    expect(network.features).toEqual(model.config.features);
    expect(network.layerDims).toEqual([1536, 5, 1]);
  });

  it('refuses NaN filters and a body whose parameters do not match, naming them', () => {
    const bad = randomCnnModel(features('c2,p', 'relu'), [], 'relu', 4);
    bad.params.convB![0][1] = Number.NaN;
    expect(() => exportOnnx(bad)).toThrow(/conv1_b\[1\] is NaN/);
    const short = randomCnnModel(features('c2,p', 'relu'), [], 'relu', 4);
    short.config.layerDims[0] = 12288;
    expect(() => exportOnnx(short)).toThrow(/Cannot export: network: .*2048/);
    const even = randomCnnModel(features('c2k5', 'relu'), [], 'relu', 4);
    (even.config.features![0] as { size: number }).size = 4;
    expect(() => exportOnnx(even)).toThrow(/Cannot export: .*4x4 kernel/);
  });
});

function pythonOnnx(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const havePython = pythonOnnx();
if (!havePython) console.warn('skipping the CNN onnx checker test: /usr/bin/python3 cannot import onnx');

it.skipIf(!havePython)('CNN files pass the onnx package full checker (shape inference included)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catnet-cnn-'));
  try {
    const files = CNN_CASES.map(([body, hidden, g], i) => {
      const file = join(dir, `${i}.onnx`);
      writeFileSync(file, exportOnnx(randomCnnModel(features(body, g), hidden, g, i)));
      return file;
    });
    const script =
      'import onnx, sys\nfor f in sys.argv[1:]:\n    m = onnx.load(f)\n    onnx.checker.check_model(m, full_check=True)\n' +
      '    s = onnx.shape_inference.infer_shapes(m, strict_mode=True)\n' +
      "    p = [v for v in s.graph.output if v.name == 'probability'][0]\n" +
      "    assert [d.dim_value or d.dim_param for d in p.type.tensor_type.shape.dim] == ['N', 1]\nprint('ok', len(sys.argv) - 1)";
    const out = execFileSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' });
    expect(out.trim()).toBe(`ok ${files.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
