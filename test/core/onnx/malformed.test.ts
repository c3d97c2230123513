import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { KEY } from '../../../src-core/onnx/metadata.js';
import { OnnxClassifier } from '../../../src-core/onnx/runtime.js';
import type { OnnxTypes } from '../../../src-core/onnx/schema.js';
import { editModel } from '../../helpers/onnx-graphs.js';
import { randomModel, rng } from '../../helpers/onnx-oracle.js';

const FILE = 'bad.onnx';
const good = exportOnnx(randomModel([6, 4], 'relu', 1));
const edited = (edit: (m: OnnxTypes.ModelProto) => void) => editModel(good, edit);
const node = (m: OnnxTypes.ModelProto, op: string) => m.graph!.node!.find((n) => n.opType === op)!;
const tensor = (m: OnnxTypes.ModelProto, name: string) => m.graph!.initializer!.find((t) => t.name === name)!;
const setMeta = (m: OnnxTypes.ModelProto, key: string, value: string) => {
  m.metadataProps.find((p) => p.key === key)!.value = value;
};

/** A ModelProto whose graph nests `depth` subgraphs (graph -> node -> attribute g -> graph ...), as raw protobuf. */
function deeplyNested(depth: number): Uint8Array {
  // Built inside out; each level wraps the previous bytes in a length-delimited field.
  let inner: number[] = [];
  const wrap = (field: number, body: number[]) => {
    const len: number[] = [];
    for (let n = body.length; ; n >>>= 7) {
      if (n < 0x80) {
        len.push(n);
        break;
      }
      len.push((n & 0x7f) | 0x80);
    }
    return [(field << 3) | 2, ...len, ...body];
  };
  for (let i = 0; i < depth; i++) inner = wrap(1, wrap(5, wrap(6, inner))); // GraphProto.node, NodeProto.attribute, AttributeProto.g
  return Uint8Array.from([8, 7, ...wrap(7, inner)]); // ir_version 7, ModelProto.graph
}

/** [case, bytes, expected message] - each one is also printed, so the report can quote the outcomes. */
const cases: Array<[string, Uint8Array, RegExp]> = [
  ['empty file', new Uint8Array(0), /bad\.onnx is empty/],
  ['random bytes', Uint8Array.from({ length: 4096 }, rng(5)).map((x) => x * 256), /bad\.onnx/],
  ['truncated to half', good.subarray(0, good.length >> 1), /bad\.onnx is not a valid ONNX file.*truncated/],
  ['a PNG header', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /bad\.onnx/],
  [
    'external data ../../etc/passwd',
    edited((m) => {
      const w = tensor(m, 'W1');
      w.rawData = new Uint8Array(0);
      w.dataLocation = 1;
      w.externalData = [{ key: 'location', value: '../../etc/passwd' }];
    }),
    /initializer "W1" stores its values in an external file \("\.\.\/\.\.\/etc\/passwd"\)/,
  ],
  [
    'external_data entry without data_location',
    edited((m) => {
      tensor(m, 'b1').externalData = [{ key: 'location', value: '/etc/shadow' }];
    }),
    /external file \("\/etc\/shadow"\)/,
  ],
  [
    'unknown operator',
    edited((m) => {
      node(m, 'Relu').opType = 'FancyAct';
    }),
    /operator "FancyAct" is not supported/,
  ],
  [
    'unknown domain',
    edited((m) => {
      node(m, 'Relu').domain = 'com.evil';
    }),
    /operator domain "com\.evil"/,
  ],
  [
    'IR version 99',
    edited((m) => {
      m.irVersion = 99;
    }),
    /IR version 99 is not supported/,
  ],
  [
    'opset 99',
    edited((m) => {
      m.opsetImport[0].version = 99;
    }),
    /opset 99 is not supported/,
  ],
  [
    'no IR version',
    edited((m) => {
      m.irVersion = 0;
    }),
    /no IR version/,
  ],
  [
    'huge dims (2^40 x 12288)',
    edited((m) => {
      tensor(m, 'W1').dims = [2 ** 40, 12288];
    }),
    /absurd dimensions \(1099511627776 x 12288\)/,
  ],
  [
    'negative dims',
    edited((m) => {
      tensor(m, 'W1').dims = [-6, 12288];
    }),
    /negative dimension/,
  ],
  [
    'dims not matching the data',
    edited((m) => {
      tensor(m, 'W1').dims = [6, 12287];
    }),
    /bytes of data for 6 x 12287/,
  ],
  [
    'wrong input shape [N,224,224,3]',
    edited((m) => {
      const dims = m.graph!.input![0].type!.tensorType!.shape!.dim!;
      dims[1].dimValue = 224;
      dims[2].dimValue = 224;
    }),
    /input "image" is uint8 \[N, 224, 224, 3\]; catnet models take uint8 \[N, 64, 64, 3\]/,
  ],
  [
    'float input',
    edited((m) => {
      m.graph!.input![0].type!.tensorType!.elemType = 1;
    }),
    /input "image" is type 1/,
  ],
  [
    'a subgraph attribute',
    edited((m) => void node(m, 'Gemm').attribute!.push({ name: 'body', type: 5, g: { name: 'inner' } })),
    /attribute "body" holds a subgraph/,
  ],
  [
    'a model-local function',
    edited((m) => void m.functions.push({ name: 'f', domain: 'x' })),
    /model-local functions are not supported/,
  ],
  [
    'NaN weights',
    edited((m) => {
      const w = tensor(m, 'W2');
      new DataView(w.rawData!.buffer, w.rawData!.byteOffset).setFloat32(0, Number.NaN, true);
    }),
    /weights "W2" contain NaN/,
  ],
  [
    'a branch off the network',
    edited((m) => void m.graph!.node!.splice(5, 0, { opType: 'Relu', input: ['Z1'], output: ['side'] })),
    /node 5 "Relu" \(Relu\) does not continue the network from "A1"/,
  ],
  [
    'LeakyRelu with another slope',
    editModel(exportOnnx(randomModel([3], 'leaky_relu')), (m) => {
      node(m, 'LeakyRelu').attribute![0].f = 0.2;
    }),
    /LeakyRelu alpha 0\.2.* not supported/,
  ],
  [
    'scale by 256',
    edited((m) => {
      tensor(m, 'pixel_scale').rawData = new Uint8Array(new Float32Array([256]).buffer);
    }),
    /scaling the image by 1\/255/,
  ],
  [
    'a value defined twice (node output shadows a weight)',
    edited((m) => {
      node(m, 'Relu').output = ['W2'];
    }),
    /the value "W2" is defined twice/,
  ],
  [
    'fixed batch of 10^9',
    edited((m) => {
      m.graph!.input![0].type!.tensorType!.shape!.dim![0] = { dimValue: 1e9 };
    }),
    /input "image" is uint8 \[1000000000, 64, 64, 3\]/,
  ],
  ['subgraphs nested 3000 deep', deeplyNested(3000), /bad\.onnx/],
  [
    'an attribute the operator does not have',
    edited((m) => {
      node(m, 'Relu').attribute!.push({ name: 'alpha', type: 1, f: 0.5 });
    }),
    /attribute "alpha" is unknown or repeated for Relu/,
  ],
  [
    'label output declared float but computed int64',
    edited((m) => {
      m.graph!.output![1].type!.tensorType!.elemType = 1;
    }),
    /output "label" is declared as a different type or shape/,
  ],
  [
    'label branch squeezing the batch axis',
    edited((m) => {
      tensor(m, 'label_axes').int64Data = [0];
    }),
    /only squeezing axis 1 of \[N, 1\] is supported/,
  ],
  [
    'a bias of shape [n, 1] (broadcasts along the examples)',
    edited((m) => {
      tensor(m, 'b1').dims = [6, 1];
    }),
    /a bias of shape \[6, 1\] does not fit 6 units/,
  ],
  [
    'no graph',
    edited((m) => {
      m.graph = null;
    }),
    /no graph/,
  ],
  [
    'metadata threshold unlike the graph',
    edited((m) => setMeta(m, KEY.threshold, '0.9')),
    /threshold 0\.5 but its metadata says 0\.9/,
  ],
  [
    'class names not two strings',
    edited((m) => setMeta(m, KEY.classNames, '["cat"]')),
    /"catnet\.class_names" must be two/,
  ],
  ['newer schema', edited((m) => setMeta(m, KEY.schemaVersion, '7')), /written by a newer catnet/],
  ['unknown resize mode', edited((m) => setMeta(m, KEY.resize, 'zoom')), /"catnet\.resize" is "zoom"/],
];

describe('importOnnx rejects malformed and unsupported files with a message', () => {
  it.each(cases)('%s', (_name, bytes, message) => {
    let error: unknown;
    try {
      importOnnx(bytes, FILE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    console.log(`${_name}: ${(error as Error).message}`);
    expect((error as Error).message).toMatch(message);
  });

  it('keeps only well-typed training-summary fields from the metadata', () => {
    const bytes = edited((m) =>
      setMeta(
        m,
        KEY.training,
        JSON.stringify({
          trainImages: 5,
          testAccuracy: 'high',
          extra: { deep: [1] },
          hyperparameters: { lr: 0.1, x: [1] },
        }),
      ),
    );
    expect(importOnnx(bytes, FILE).summary).toEqual({ trainImages: 5, hyperparameters: { lr: 0.1 } });
  });

  it('OnnxClassifier refuses the same files before onnxruntime sees them', async () => {
    await expect(OnnxClassifier.create(cases[4][1], FILE)).rejects.toThrow(/external file/);
  });

  it('never throws anything but a message naming the file, whatever the bytes (fuzz)', () => {
    const check = (bytes: Uint8Array) => {
      try {
        importOnnx(bytes, FILE);
      } catch (e) {
        if (!(e instanceof Error) || !e.message.includes(FILE)) throw new Error(`bad failure: ${String(e)}`);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), check), { numRuns: 300 });
    // Damage the valid file: overwrite a few bytes anywhere in its structure (before the weights' bulk).
    const head = good.length;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(head - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const bytes = Uint8Array.from(good);
          for (const [at, v] of edits) bytes[at] = v;
          check(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
