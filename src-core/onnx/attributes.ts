// Reading node attributes from an untrusted graph: integers within the safe range, floats finite.
// An absent attribute is `undefined`, so callers state the ONNX default where they use it.

import { ModelRejected } from './model-error.js';
import type { OnnxTypes } from './schema.js';
import { int64ToNumber } from './tensors.js';

type Node = OnnxTypes.INodeProto;

function find(node: Node, name: string): OnnxTypes.IAttributeProto | undefined {
  return node.attribute?.find((x) => x.name === name);
}

export function intAttribute(node: Node, name: string): number | undefined {
  const a = find(node, name);
  return a ? int64ToNumber(a.i, `attribute ${name}`) : undefined;
}

/** A list of integers (kernel_shape, pads, strides, ...). */
export function intsAttribute(node: Node, name: string, where: string): number[] | undefined {
  const a = find(node, name);
  return a ? (a.ints ?? []).map((v, i) => int64ToNumber(v, `${where}: attribute ${name}[${i}]`)) : undefined;
}

/** A float attribute; NaN and infinities are refused (a NaN alpha passes every `|x - y| > tol` test). */
export function floatAttribute(node: Node, name: string, where: string): number | undefined {
  const a = find(node, name);
  if (!a) return undefined;
  const f = a.f ?? 0;
  if (!Number.isFinite(f))
    throw new ModelRejected(
      'not-finite',
      `${where}: attribute ${name} is ${f}; every float in a model must be finite.`,
    );
  return f;
}

export function stringAttribute(node: Node, name: string): string | undefined {
  const a = find(node, name);
  return a ? Buffer.from(a.s ?? new Uint8Array(0)).toString('utf8') : undefined;
}
