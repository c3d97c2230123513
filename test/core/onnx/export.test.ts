import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALPHA_BACKGROUND } from '../../../src-core/data/images.js';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { KEY } from '../../../src-core/onnx/metadata.js';
import { type OnnxTypes, onnx } from '../../../src-core/onnx/schema.js';
import { randomModel } from '../../helpers/onnx-oracle.js';

function pythonOnnx(): string | undefined {
  try {
    return execFileSync('/usr/bin/python3', ['-c', 'import onnx; print(onnx.__version__)'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}
const onnxVersion = pythonOnnx();
if (!onnxVersion)
  console.warn('skipping the onnx full-checker test: /usr/bin/python3 cannot import onnx (apt install python3-onnx)');

describe('exportOnnx', () => {
  const model = randomModel([20, 7, 5], 'leaky_relu');
  model.summary = {
    trainImages: 209,
    trainAccuracy: 0.98,
    hyperparameters: { learningRate: 0.0075, layers: '[12288,20,7,5,1]' },
  };
  const bytes = exportOnnx(model, { appVersion: '9.8.7' });
  const decoded = onnx.ModelProto.decode(bytes);
  const graph = decoded.graph as OnnxTypes.GraphProto;
  const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));

  it('declares a widely supported IR version and opset, producer and names', () => {
    expect(Number(decoded.irVersion)).toBe(7);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    expect([decoded.producerName, decoded.producerVersion, graph.name]).toEqual([
      'catnet',
      '9.8.7',
      'catnet_classifier',
    ]);
    expect(decoded.docString).toContain('cat');
  });

  it('takes uint8 [N,64,64,3] and gives probability [N,1] float and label [N] int64', () => {
    const shape = (v: OnnxTypes.IValueInfoProto) =>
      v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((v) => [v.name, v.type!.tensorType!.elemType, shape(v)])).toEqual([
      ['image', 2, ['N', 64, 64, 3]],
    ]);
    expect(graph.output.map((v) => [v.name, v.type!.tensorType!.elemType, shape(v)])).toEqual([
      ['probability', 1, ['N', 1]],
      ['label', 7, ['N']],
    ]);
  });

  it('carries the preprocessing and the layers as nodes', () => {
    expect(graph.node.map((n) => n.opType)).toEqual([
      'Cast',
      'Div',
      'Flatten',
      'Gemm',
      'LeakyRelu',
      'Gemm',
      'LeakyRelu',
      'Gemm',
      'LeakyRelu',
      'Gemm',
      'Sigmoid',
      'GreaterOrEqual',
      'Cast',
      'Squeeze',
    ]);
    const w1 = graph.initializer.find((t) => t.name === 'W1') as OnnxTypes.TensorProto;
    expect(w1.dims.map(Number)).toEqual([20, 12288]);
    const W1 = model.params.W[0];
    expect(Buffer.from(w1.rawData).equals(Buffer.from(W1.buffer, W1.byteOffset, W1.byteLength))).toBe(true);
  });

  it('writes metadata: classes, preprocessing, threshold, training summary, schema version', () => {
    expect(JSON.parse(meta[KEY.classNames])).toEqual(['cat', 'non-cat']);
    expect(meta[KEY.positiveClass]).toBe('cat');
    expect(Number(meta[KEY.threshold])).toBe(0.5);
    expect(meta[KEY.schemaVersion]).toBe('1');
    const pre = JSON.parse(meta[KEY.preprocessing]);
    expect(pre).toMatchObject({ size: 64, resize: 'cover', layout: 'NHWC', dtype: 'uint8', channels: 'RGB' });
    const { r, g, b } = ALPHA_BACKGROUND;
    expect(pre.alpha).toContain(`(${r}, ${g}, ${b})`);
    expect(JSON.parse(meta[KEY.training])).toEqual(model.summary);
    expect(JSON.parse(meta[KEY.network]).layerDims).toEqual([12288, 20, 7, 5, 1]);
  });

  it('refuses NaN and infinite weights, naming the parameter', () => {
    const bad = randomModel([3], 'relu');
    bad.params.W[1][2] = Number.NaN;
    expect(() => exportOnnx(bad)).toThrow(/W2\[2\] is NaN.*learning rate/);
    const inf = randomModel([3], 'relu');
    inf.params.b[0][0] = Number.POSITIVE_INFINITY;
    expect(() => exportOnnx(inf)).toThrow(/b1\[0\] is Infinity/);
  });

  it('refuses a network that is not [12288, ..., 1] with a sigmoid output', () => {
    const m = randomModel([3], 'relu');
    m.config.activations[1] = 'relu';
    expect(() => exportOnnx(m)).toThrow(/ending in sigmoid/);
  });

  it.skipIf(!onnxVersion)('passes the onnx package full checker (shape inference included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catnet-onnx-'));
    try {
      const files = (['relu', 'tanh', 'sigmoid', 'leaky_relu'] as const).map((g) => {
        const file = join(dir, `${g}.onnx`);
        writeFileSync(file, exportOnnx(randomModel([4, 3], g)));
        return file;
      });
      const script = `import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint('ok', len(sys.argv) - 1)`;
      const out = execFileSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' });
      expect(out.trim()).toBe('ok 4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
