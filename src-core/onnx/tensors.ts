// Reading TensorProto values from an untrusted file: dims checked (non-negative, bounded product) and
// matched against the stored data's length before any value is read. Only self-contained tensors.

import type { OnnxTypes } from './schema.js';
import { DT } from './schema.js';

/** Largest tensor catnet accepts: 64 M elements (256 MB of float32), far above any useful network. */
export const MAX_TENSOR_ELEMENTS = 64 * 1024 * 1024;

type Long = { toNumber(): number; high: number; low: number };

/** int64 field (number or protobufjs Long) -> number; throws outside the safe integer range. */
export function int64ToNumber(v: number | Long | null | undefined, what: string): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n)) throw new Error(`${what} is ${n}, which is not a usable integer.`);
  return n;
}

/** A tensor's dims, each a non-negative integer, with a bounded element count. */
export function tensorDims(t: OnnxTypes.ITensorProto, what: string): { dims: number[]; size: number } {
  const dims = (t.dims ?? []).map((d, i) => int64ToNumber(d, `${what}: dimension ${i}`));
  let size = 1;
  for (const d of dims) {
    if (d < 0) throw new Error(`${what} has a negative dimension (${dims.join(' x ')}).`);
    size *= d;
    if (size > MAX_TENSOR_ELEMENTS)
      throw new Error(`${what} has absurd dimensions (${dims.join(' x ')}): more than ${MAX_TENSOR_ELEMENTS} values.`);
  }
  return { dims, size };
}

/** Throws when a tensor points at data outside the file (the classic path traversal vector). */
export function checkSelfContained(t: OnnxTypes.ITensorProto, what: string): void {
  const external = t.externalData ?? [];
  if (t.dataLocation === 1 || external.length > 0) {
    const location = external.find((e) => e.key === 'location')?.value;
    throw new Error(
      `${what} stores its values in an external file${location ? ` ("${location}")` : ''}; ` +
        'catnet only opens self-contained .onnx files (save the model without external data).',
    );
  }
}

/**
 * float32 tensor values, all finite; the stored count must equal the dims' product. Only float32: the
 * graph computes in float32, and a float64 operand would make the file invalid for every runtime.
 */
export function readFloats(t: OnnxTypes.ITensorProto, what: string): { dims: number[]; values: Float32Array } {
  checkSelfContained(t, what);
  if (t.dataType !== DT.FLOAT)
    throw new Error(`${what} has data type ${t.dataType}; catnet reads float32 values only.`);
  const { dims, size } = tensorDims(t, what);
  const raw = t.rawData;
  const values = new Float32Array(size);
  if (raw && raw.length > 0) {
    if (raw.length !== size * 4)
      throw new Error(`${what}: ${raw.length} bytes of data for ${dims.join(' x ')} values (expected ${size * 4}).`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < size; i++) values[i] = view.getFloat32(i * 4, true);
  } else {
    const list = t.floatData ?? [];
    if (list.length !== size)
      throw new Error(`${what}: ${list.length} values stored for dims ${dims.join(' x ')} (expected ${size}).`);
    for (let i = 0; i < size; i++) values[i] = list[i];
  }
  // Every float in a classifier (weights, biases, the 1/255 scale, the threshold) is finite: a NaN
  // or an infinity from a damaged file would only surface as NaN probabilities.
  for (let i = 0; i < size; i++)
    if (!Number.isFinite(values[i])) throw new Error(`${what} contain NaN or infinite values.`);
  return { dims, values };
}

/** int64 tensor values (shapes, axes). */
export function readInt64s(t: OnnxTypes.ITensorProto, what: string): { dims: number[]; values: number[] } {
  checkSelfContained(t, what);
  const { dims, size } = tensorDims(t, what);
  if (t.dataType !== DT.INT64) throw new Error(`${what} has data type ${t.dataType}; expected int64.`);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== size * 8) throw new Error(`${what}: ${raw.length} bytes of data for ${size} int64 values.`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values: number[] = [];
    for (let i = 0; i < size; i++) values.push(Number(view.getBigInt64(i * 8, true)));
    return { dims, values };
  }
  const list = t.int64Data ?? [];
  if (list.length !== size) throw new Error(`${what}: ${list.length} values stored for ${size}.`);
  return { dims, values: list.map((v, i) => int64ToNumber(v, `${what}[${i}]`)) };
}
