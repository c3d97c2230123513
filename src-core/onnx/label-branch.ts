// The nodes after the probability: they may only turn it into a label (compare with a constant
// threshold, cast, drop the unit axis). Each step is checked for the operand's type and rank, so an
// accepted file also runs in onnxruntime; anything else is refused.

import type { OnnxTypes } from './schema.js';
import { DT } from './schema.js';
import { int64ToNumber, readFloats, readInt64s } from './tensors.js';

/** What is known of a value derived from the probability [N, 1] float. */
export interface Derived {
  rank: number;
  /** ONNX TensorProto.DataType: float, bool, int32 or int64. */
  elemType: number;
}

const CAST_TO = new Set<number>([DT.FLOAT, DT.BOOL, 6, DT.INT64]);

/**
 * Checks one label-branch node and records its output in `derived`. Returns the threshold when the node
 * compares the probability with a constant.
 */
export function labelStep(
  node: OnnxTypes.INodeProto,
  ins: string[],
  derived: Map<string, Derived>,
  constants: Map<string, OnnxTypes.ITensorProto>,
  opset: number,
  where: string,
): number | undefined {
  const op = node.opType ?? '';
  const src = derived.get(ins[0]);
  if (!src) throw new Error(`${where} comes after the output probability but does not read it first; not supported.`);
  for (const s of ins.slice(1))
    if (!constants.has(s)) throw new Error(`${where}: its operand "${s}" must be a constant.`);
  const out = node.output?.[0] ?? '';
  const fail = (why: string) => new Error(`${where}: ${why}`);
  let threshold: number | undefined;
  switch (op) {
    case 'Identity':
      derived.set(out, src);
      break;
    case 'Greater':
    case 'GreaterOrEqual': {
      const c = ins[1] ? readFloats(constants.get(ins[1])!, `${where} threshold`) : { dims: [9], values: [] };
      const t = c.values;
      if (src.elemType !== DT.FLOAT || t.length !== 1 || c.dims.length > 1)
        throw fail('only comparing the probability with one number is supported.');
      threshold = t[0];
      derived.set(out, { rank: src.rank, elemType: DT.BOOL });
      break;
    }
    case 'Cast': {
      const to = node.attribute?.find((a) => a.name === 'to');
      const elemType = to ? int64ToNumber(to.i, `${where} attribute to`) : 0;
      if (!CAST_TO.has(elemType)) throw fail('the label may only be cast to bool, float, int32 or int64.');
      derived.set(out, { rank: src.rank, elemType });
      break;
    }
    case 'Squeeze': {
      const attr = node.attribute?.find((a) => a.name === 'axes');
      const axes =
        opset >= 13
          ? ins[1]
            ? readInt64s(constants.get(ins[1])!, `${where} axes`).values
            : []
          : (attr?.ints ?? []).map((v) => int64ToNumber(v, `${where} axes`));
      if (src.rank !== 2 || axes.length !== 1 || (axes[0] !== 1 && axes[0] !== -1))
        throw fail('only squeezing axis 1 of [N, 1] is supported.');
      derived.set(out, { rank: 1, elemType: src.elemType });
      break;
    }
    case 'Reshape': {
      const shape = ins[1] ? readInt64s(constants.get(ins[1])!, `${where} shape`).values : [];
      if (shape.length !== 1 || shape[0] !== -1) throw fail('only reshaping the label to [-1] is supported.');
      derived.set(out, { rank: 1, elemType: src.elemType });
      break;
    }
    default:
      throw fail('this operator is not supported after the output probability.');
  }
  return threshold;
}
