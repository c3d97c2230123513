// Hostile files that would decode into millions of objects are refused from the wire format, before
// protobufjs allocates: each case prints its time and the process's memory growth (figures, not assertions).
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { ModelRejected } from '../../../src-core/onnx/model-error.js';
import { type OnnxTypes, onnx } from '../../../src-core/onnx/schema.js';
import { scanOnnxWire, WIRE_LIMITS } from '../../../src-core/onnx/wire-scan.js';
import { features, randomCnnModel } from '../../helpers/onnx-cnn.js';
import { foreignModel } from '../../helpers/onnx-graphs.js';
import {
  hugeString,
  manyDimensions,
  manyNodes,
  manyStrings,
  manyUnknownFields,
  packedAttributeInts,
  packedDims,
  packedFloats,
} from '../../helpers/onnx-hostile.js';
import { randomModel } from '../../helpers/onnx-oracle.js';

const MB = 1024 * 1024;
const figures: string[] = [];
afterAll(() => console.log(`refused before decoding:\n  ${figures.join('\n  ')}`));

const cases: Array<[string, () => Uint8Array, RegExp]> = [
  ['16 MB, 16 M packed dims on one initializer', () => packedDims(16 * MB), /integer values/],
  ['16 MB, 8 M empty nodes', () => manyNodes(8 * MB), /nodes/],
  ['16 MB, 4 M input names on one node', () => manyStrings(4 * MB), / strings/],
  ['64 MB doc string', () => hugeString(64 * MB), /bytes of strings/],
  ['68 MB, 17 M packed float_data values', () => packedFloats(17 * MB), /float values stored as lists/],
  ['16 MB, 16 M packed ints on an attribute', () => packedAttributeInts(16 * MB), /integer values/],
  ['4 MB, 1 M dimensions on the input shape', () => manyDimensions(MB), /protobuf messages/],
  ['16 MB, 5.6 M unknown varint fields', () => manyUnknownFields(5.6 * MB), /protobuf fields/],
];

describe('importOnnx refuses files that decode into too much, before decoding', () => {
  it.each(cases)('%s', (name, make, message) => {
    let bytes: Uint8Array | undefined = make();
    const size = bytes.length;
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    let error: unknown;
    try {
      importOnnx(bytes, 'hostile.onnx');
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - t0;
    const grew = (process.memoryUsage().rss - rss0) / MB;
    bytes = undefined;
    figures.push(`${name} (${(size / MB).toFixed(0)} MB): ${ms.toFixed(0)} ms, RSS +${grew.toFixed(0)} MB`);
    expect(error).toBeInstanceOf(ModelRejected);
    expect((error as ModelRejected).code).toBe('too-complex');
    expect((error as Error).message).toMatch(/hostile\.onnx holds more than/);
    expect((error as Error).message).toMatch(message);
  });

  it('subgraphs nested deeper than the limit are refused as too complex', () => {
    // Graph -> Node -> Attribute.g -> Graph ..., 200 levels (the parser recursion never starts).
    let inner = new Uint8Array(0);
    const wrap = (num: number, body: Uint8Array) => {
      const head = [(num << 3) | 2];
      for (let n = body.length; ; n >>>= 7) {
        if (n < 0x80) {
          head.push(n);
          break;
        }
        head.push((n & 0x7f) | 0x80);
      }
      return Uint8Array.from([...head, ...body]);
    };
    for (let i = 0; i < 200; i++) inner = wrap(1, wrap(5, wrap(6, inner)));
    const bytes = Uint8Array.from([8, 7, ...wrap(7, inner)]);
    expect(() => importOnnx(bytes, 'deep.onnx')).toThrow(new RegExp(`more than ${WIRE_LIMITS.depth} levels`));
  });

  it('a truncated length or a packed list ending inside a value is malformed', () => {
    const dims = packedDims(10);
    for (const bad of [dims.subarray(0, dims.length - 3), Uint8Array.from([...dims.subarray(0, -1), 0x81])]) {
      let error: unknown;
      try {
        scanOnnxWire(bad, 'cut.onnx');
      } catch (e) {
        error = e;
      }
      expect((error as ModelRejected).code).toBe('malformed');
    }
  });
});

describe('files just inside the limits', () => {
  // The most a file can make the decoder build: measured (decode, then the importer's refusal), not asserted.
  const atLimit: Array<[string, () => Uint8Array]> = [
    ['float_data at the limit', () => packedFloats(WIRE_LIMITS.floats)],
    ['packed dims at the limit', () => packedDims(WIRE_LIMITS.integers)],
    ['empty nodes at the limit', () => manyNodes(WIRE_LIMITS.nodes)],
    ['strings at the limit', () => manyStrings(WIRE_LIMITS.strings - 10)],
  ];
  it.each(atLimit)('%s: decoded, then refused by the importer', (name, make) => {
    const bytes = make();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const decoded = onnx.ModelProto.decode(bytes);
    const ms = performance.now() - t0;
    const grew = (process.memoryUsage().rss - rss0) / MB;
    figures.push(
      `${name} (${(bytes.length / MB).toFixed(0)} MB): decode ${ms.toFixed(0)} ms, RSS +${grew.toFixed(0)} MB`,
    );
    expect(decoded.graph).toBeTruthy();
    expect(() => importOnnx(bytes, 'limit.onnx')).toThrow(/limit\.onnx/);
  });
});

describe('the wire counts bound what the decoder builds', () => {
  const files = [
    ['catnet [12288, 20, 7, 5, 1]', exportOnnx(randomModel([20, 7, 5], 'relu', 1))],
    ['catnet CNN', exportOnnx(randomCnnModel(features('c4,p,c8k5,p', 'relu'), [6], 'relu', 1))],
    ['foreign MatMul/Add with float_data', foreignModel(randomModel([6, 4], 'tanh', 2))],
  ] as const;
  it.each(files)('%s', (_name, bytes) => {
    const c = scanOnnxWire(bytes, 'f.onnx');
    const g = onnx.ModelProto.decode(bytes).graph as OnnxTypes.GraphProto;
    expect(c.nodes).toBe(g.node.length);
    const attributes = g.node.flatMap((n) => n.attribute as OnnxTypes.AttributeProto[]);
    const tensors = [...g.initializer, ...attributes.flatMap((a) => (a.t ? [a.t as OnnxTypes.TensorProto] : []))];
    const shapes = [...g.input, ...g.output].flatMap((v) => v.type?.tensorType?.shape?.dim ?? []);
    // Every integer the decoder builds is counted: dims, int64_data, ints and each dim_value.
    const decodedInts =
      tensors.reduce((s, t) => s + (t.dims?.length ?? 0) + (t.int64Data?.length ?? 0) + (t.int32Data?.length ?? 0), 0) +
      attributes.reduce((s, a) => s + a.ints.length, 0);
    expect(c.integers).toBeGreaterThanOrEqual(decodedInts);
    expect(c.integers).toBeLessThanOrEqual(decodedInts + shapes.length + attributes.length + tensors.length + 10);
    expect(c.floats).toBe(tensors.reduce((s, t) => s + (t.floatData?.length ?? 0), 0));
    expect(c.depth).toBeLessThan(WIRE_LIMITS.depth);
  });

  it('a 48 MB catnet model [12288, 1024, 1] passes the scan quickly', () => {
    const bytes = exportOnnx({
      ...randomModel([], 'relu', 1),
      config: { layerDims: [12288, 1024, 1], activations: ['relu', 'sigmoid'] },
      params: {
        W: [new Float32Array(12288 * 1024), new Float32Array(1024)],
        b: [new Float32Array(1024), new Float32Array(1)],
      },
    });
    const t0 = performance.now();
    const c = scanOnnxWire(bytes, 'big.onnx');
    figures.push(
      `scan of a ${(bytes.length / MB).toFixed(0)} MB catnet model: ${(performance.now() - t0).toFixed(1)} ms`,
    );
    expect(c.nodes).toBe(10);
  });
});
