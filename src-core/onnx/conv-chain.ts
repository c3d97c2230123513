// Recognises the convolutional body of a classifier graph, node by node, for chain.ts: one Transpose
// of the image to NCHW, then Conv + activation and 2x2 MaxPool nodes exactly as the engine computes
// them (k x k kernels with k odd, stride 1, zero padding (k - 1) / 2, no dilation, one group; max-pool
// 2x2 with stride 2, no padding, rounding down). Anything else is refused, naming the attribute.

import { MAX_FEATURE_LAYERS, MAX_FILTERS, MAX_KERNEL_SIZE } from '../nn/config.js';
import type { Activation, FeatureSpec } from '../nn/model.js';
import { IMAGE_SHAPE, type Shape } from '../nn/shapes.js';
import { intAttribute, intsAttribute, stringAttribute } from './attributes.js';
import { MAX_BODY_MACS, mapSize } from './conv-shapes.js';
import { ModelRejected } from './model-error.js';
import type { OnnxTypes } from './schema.js';
import { readFloats } from './tensors.js';

type Node = OnnxTypes.INodeProto;
type Constants = Map<string, OnnxTypes.ITensorProto>;

const unsupported = (where: string, why: string) => new ModelRejected('unsupported', `${where}: ${why}`);

/** The body read so far: its specs and parameters in the engine's layout, and the current map shape. */
export class ConvBody {
  /** The image has been transposed to NCHW (HWC before). */
  transposed = false;
  shape: Shape = IMAGE_SHAPE;
  readonly features: FeatureSpec[] = [];
  readonly convW: Float32Array[] = [];
  readonly convB: Float32Array[] = [];
  /** A Conv whose activation has not been read yet. */
  pending?: { filters: number; size: number; W: Float32Array; b: Float32Array };
  private macs = 0;

  get started(): boolean {
    return this.features.length > 0 || this.pending !== undefined;
  }

  /** Transpose with perm [0, 3, 1, 2]: NHWC -> NCHW, once, before any conv or pool. */
  transpose(node: Node, where: string): void {
    const perm = intsAttribute(node, 'perm', where) ?? [];
    if (this.transposed || this.started || perm.join(',') !== '0,3,1,2')
      throw unsupported(where, 'only one Transpose of the image from NHWC to NCHW (perm [0, 3, 1, 2]) is supported.');
    this.transposed = true;
  }

  conv(node: Node, ins: string[], constants: Constants, where: string): void {
    if (!this.transposed || this.pending)
      throw unsupported(where, 'a Conv must read the image transposed to NCHW, or an activated conv or pool.');
    const t = ins[1] ? constants.get(ins[1]) : undefined;
    if (!t) throw unsupported(where, `the filters "${ins[1]}" must be a constant (an initializer).`);
    const { dims, values: W } = readFloats(t, `${where} filters "${ins[1]}"`);
    const [filters, cIn, k, k2] = dims;
    const { c } = this.shape;
    if (dims.length !== 4 || cIn !== c || k !== k2 || filters < 1)
      throw unsupported(
        where,
        `filters of shape [${dims.join(', ')}] do not fit a ${c}-channel input ([filters, ${c}, k, k]).`,
      );
    if (k % 2 !== 1 || k > MAX_KERNEL_SIZE)
      throw unsupported(
        where,
        `${k}x${k} kernels are not supported (odd sizes 1 to ${MAX_KERNEL_SIZE}: "same" padding).`,
      );
    const p = (k - 1) / 2;
    const expect = (name: string, want: number[], fallback: number[] | undefined) => {
      const got = intsAttribute(node, name, where) ?? fallback;
      if (got?.join(',') !== want.join(','))
        throw unsupported(where, `${name} [${got ?? 'absent'}] is not supported; catnet convolutions use [${want}].`);
    };
    checkAutoPad(node, where);
    expect('kernel_shape', [k, k], [k, k]);
    expect('strides', [1, 1], [1, 1]);
    expect('dilations', [1, 1], [1, 1]);
    expect('pads', [p, p, p, p], [0, 0, 0, 0]);
    if ((intAttribute(node, 'group') ?? 1) !== 1) throw unsupported(where, 'grouped convolutions are not supported.');
    if (filters > MAX_FILTERS)
      throw unsupported(where, `${filters} filters is more than the ${MAX_FILTERS} catnet runs.`);
    this.checkCount(where);
    this.macs += this.shape.h * this.shape.w * filters * c * k * k;
    if (this.macs > MAX_BODY_MACS)
      throw new ModelRejected(
        'too-complex',
        `${where}: the convolutions need more than ${MAX_BODY_MACS} multiply-adds per image; not a model catnet runs.`,
      );

    const b = new Float32Array(filters);
    if (ins[2]) {
      const bt = constants.get(ins[2]);
      if (!bt) throw unsupported(where, `the bias "${ins[2]}" must be a constant.`);
      const { dims: bd, values } = readFloats(bt, `${where} bias "${ins[2]}"`);
      if (bd.length !== 1 || bd[0] !== filters)
        throw unsupported(where, `a bias of shape [${bd.join(', ')}] does not fit ${filters} filters.`);
      b.set(values);
    }
    this.pending = { filters, size: k, W, b };
  }

  /** The activation of the pending Conv; false when there is none (the activation is a dense layer's). */
  activate(g: Activation): boolean {
    const conv = this.pending;
    if (!conv) return false;
    this.features.push({ kind: 'conv', filters: conv.filters, size: conv.size, activation: g });
    this.convW.push(conv.W);
    this.convB.push(conv.b);
    this.shape = { c: conv.filters, h: this.shape.h, w: this.shape.w }; // "same" padding keeps h and w
    this.pending = undefined;
    return true;
  }

  pool(node: Node, where: string): void {
    if (!this.transposed || this.pending)
      throw unsupported(where, 'a MaxPool must read the image transposed to NCHW, or an activated conv or pool.');
    const expect = (name: string, want: number[], fallback: number[] | undefined) => {
      const got = intsAttribute(node, name, where) ?? fallback;
      if (got?.join(',') !== want.join(','))
        throw unsupported(
          where,
          `${name} [${got ?? 'absent'}] is not supported; catnet pools 2x2 with stride 2 ([${want}]).`,
        );
    };
    checkAutoPad(node, where);
    expect('kernel_shape', [2, 2], undefined);
    expect('strides', [2, 2], [1, 1]);
    expect('pads', [0, 0, 0, 0], [0, 0, 0, 0]);
    expect('dilations', [1, 1], [1, 1]);
    if ((intAttribute(node, 'ceil_mode') ?? 0) !== 0) throw unsupported(where, 'ceil_mode 1 is not supported.');
    if (this.shape.h < 2 || this.shape.w < 2)
      throw unsupported(where, `a ${this.shape.h}x${this.shape.w} map cannot be pooled 2x2.`);
    this.checkCount(where);
    this.features.push({ kind: 'pool' });
    this.shape = { c: this.shape.c, h: this.shape.h >> 1, w: this.shape.w >> 1 }; // an odd last row/column is dropped
  }

  /** n_0 for the dense layers: the body's output flattened (c * h * w), or the HWC image's 12288. */
  get flatSize(): number {
    return mapSize(this.shape);
  }

  private checkCount(where: string): void {
    if (this.features.length >= MAX_FEATURE_LAYERS)
      throw unsupported(where, `more than ${MAX_FEATURE_LAYERS} convolution and pooling layers.`);
  }
}

/** auto_pad other than NOTSET (the default) means padding computed by the runtime: refused, pads must be explicit. */
function checkAutoPad(node: Node, where: string): void {
  const autoPad = stringAttribute(node, 'auto_pad') ?? 'NOTSET';
  if (autoPad !== 'NOTSET')
    throw unsupported(where, `auto_pad "${autoPad.slice(0, 40)}" is not supported; write explicit pads.`);
}
