// Conv graphs catnet cannot compute exactly are refused, naming the node and the attribute.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { ModelRejected } from '../../../src-core/onnx/model-error.js';
import { type OnnxTypes, onnx } from '../../../src-core/onnx/schema.js';
import { features, randomCnnModel } from '../../helpers/onnx-cnn.js';
import { editModel } from '../../helpers/onnx-graphs.js';

const good = exportOnnx(randomCnnModel(features('c3,p,c4k5,p', 'relu'), [4], 'relu', 2));
const A = onnx.AttributeProto.AttributeType;
const nodes = (m: OnnxTypes.ModelProto, op: string) => m.graph!.node!.filter((n) => n.opType === op);
const setInts = (n: OnnxTypes.INodeProto, name: string, ints: number[]) => {
  n.attribute = (n.attribute ?? []).filter((a) => a.name !== name);
  n.attribute.push({ name, type: A.INTS, ints });
};
const dropAttr = (n: OnnxTypes.INodeProto, name: string) => {
  n.attribute = (n.attribute ?? []).filter((a) => a.name !== name);
};
const edited = (edit: (m: OnnxTypes.ModelProto) => void) => editModel(good, edit);

const cases: Array<[string, Uint8Array, RegExp]> = [
  [
    'pads 0 on a 3x3 conv',
    edited((m) => setInts(nodes(m, 'Conv')[0], 'pads', [0, 0, 0, 0])),
    /pads \[0,0,0,0\].*\[1,1,1,1\]/,
  ],
  ['pads absent on a 5x5 conv', edited((m) => dropAttr(nodes(m, 'Conv')[1], 'pads')), /pads \[0,0,0,0\].*\[2,2,2,2\]/],
  ['asymmetric pads', edited((m) => setInts(nodes(m, 'Conv')[0], 'pads', [1, 1, 0, 0])), /pads \[1,1,0,0\]/],
  ['strides 2', edited((m) => setInts(nodes(m, 'Conv')[0], 'strides', [2, 2])), /strides \[2,2\] is not supported/],
  ['dilations 2', edited((m) => setInts(nodes(m, 'Conv')[1], 'dilations', [2, 2])), /dilations \[2,2\]/],
  [
    'group 3',
    edited((m) => {
      const c = nodes(m, 'Conv')[0];
      c.attribute!.find((a) => a.name === 'group')!.i = 3;
    }),
    /grouped convolutions/,
  ],
  [
    'auto_pad SAME_UPPER',
    edited((m) => {
      const c = nodes(m, 'Conv')[0];
      dropAttr(c, 'pads');
      c.attribute!.push({ name: 'auto_pad', type: A.STRING, s: Buffer.from('SAME_UPPER') });
    }),
    /auto_pad "SAME_UPPER" is not supported/,
  ],
  [
    'an even 4x4 kernel',
    edited((m) => {
      const w = m.graph!.initializer!.find((t) => t.name === 'conv2_W')!;
      w.dims = [4, 3, 4, 4];
      w.rawData = new Uint8Array(4 * 3 * 16 * 4);
      setInts(nodes(m, 'Conv')[1], 'kernel_shape', [4, 4]);
    }),
    /4x4 kernels are not supported/,
  ],
  [
    'kernel_shape unlike the filters',
    edited((m) => setInts(nodes(m, 'Conv')[0], 'kernel_shape', [5, 5])),
    /kernel_shape \[5,5\]/,
  ],
  [
    'filters for another channel count',
    edited((m) => {
      const w = m.graph!.initializer!.find((t) => t.name === 'conv2_W')!;
      w.dims = [3, 4, 5, 5];
    }),
    /filters of shape \[3, 4, 5, 5\] do not fit a 3-channel input/,
  ],
  ['MaxPool 3x3', edited((m) => setInts(nodes(m, 'MaxPool')[0], 'kernel_shape', [3, 3])), /kernel_shape \[3,3\].*2x2/],
  ['MaxPool without strides (stride 1)', edited((m) => dropAttr(nodes(m, 'MaxPool')[0], 'strides')), /strides \[1,1\]/],
  ['MaxPool with pads', edited((m) => setInts(nodes(m, 'MaxPool')[1], 'pads', [1, 1, 1, 1])), /pads \[1,1,1,1\]/],
  [
    'MaxPool ceil_mode 1',
    edited((m) => void nodes(m, 'MaxPool')[0].attribute!.push({ name: 'ceil_mode', type: A.INT, i: 1 })),
    /ceil_mode 1/,
  ],
  ['Transpose to NHCW', edited((m) => setInts(nodes(m, 'Transpose')[0], 'perm', [0, 1, 3, 2])), /perm \[0, 3, 1, 2\]/],
  [
    'no Transpose (Conv on NHWC)',
    edited((m) => {
      const g = m.graph!;
      g.node = g.node!.filter((n) => n.opType !== 'Transpose');
      nodes(m, 'Conv')[0].input![0] = 'image_scaled';
    }),
    /a Conv must read the image transposed to NCHW/,
  ],
  [
    'a Conv without its activation',
    edited((m) => {
      const g = m.graph!;
      const i = g.node!.findIndex((n) => n.opType === 'Relu');
      const relu = g.node![i];
      g.node!.splice(i, 1);
      nodes(m, 'MaxPool')[0].input![0] = relu.input![0];
    }),
    /a MaxPool must read the image transposed to NCHW, or an activated conv or pool/,
  ],
  [
    'a conv bias of the wrong length',
    edited((m) => {
      const b = m.graph!.initializer!.find((t) => t.name === 'conv1_b')!;
      b.dims = [2];
      b.rawData = new Uint8Array(8);
    }),
    /a bias of shape \[2\] does not fit 3 filters/,
  ],
  [
    'the dense layer sized for the image, not the maps',
    edited((m) => {
      const w = m.graph!.initializer!.find((t) => t.name === 'W1')!;
      w.dims = [4, 12288];
      w.rawData = new Uint8Array(4 * 12288 * 4);
    }),
    /weights are 4 x 12288; the previous layer has 1024 units/,
  ],
  [
    '1100 filters (more than the engine runs)',
    edited((m) => {
      const w = m.graph!.initializer!.find((t) => t.name === 'conv1_W')!;
      w.dims = [1100, 3, 3, 3];
      w.rawData = new Uint8Array(1100 * 27 * 4);
    }),
    /1100 filters is more than the 256 catnet runs/,
  ],
];

describe('importOnnx refuses conv graphs it cannot compute exactly', () => {
  it('accepts the unedited file', () => {
    expect(importOnnx(good, 'cnn.onnx').config.features).toHaveLength(4);
  });

  it.each(cases)('%s', (name, bytes, message) => {
    let error: unknown;
    try {
      importOnnx(bytes, 'cnn.onnx');
    } catch (e) {
      error = e;
    }
    expect(error, name).toBeInstanceOf(Error);
    console.log(`${name}: ${(error as Error).message}`);
    expect((error as Error).message).toMatch(/cnn\.onnx/);
    expect((error as Error).message).toMatch(message);
  });

  it('conv refusals carry a code', () => {
    const e = (() => {
      try {
        importOnnx(cases[3][1], 'cnn.onnx');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ModelRejected);
    expect((e as ModelRejected).code).toBe('unsupported');
  });
});
