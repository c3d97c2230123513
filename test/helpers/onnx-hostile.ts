// Hostile .onnx files written directly in the protobuf wire format (no encoder could be made to
// write them this cheaply): a few MB that decode into millions of objects, strings or nesting levels.

/** A varint's bytes. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** tag + length + body of a length-delimited field (the body given as bytes or as a builder). */
function field(num: number, body: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varint((num << 3) | 2), ...varint(body.length)]), body]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `unit` repeated `n` times. */
function repeat(unit: number[], n: number): Uint8Array {
  const out = new Uint8Array(unit.length * n);
  if (n === 0) return out;
  out.set(unit);
  for (let have = unit.length; have < out.length; have *= 2) out.copyWithin(have, 0, Math.min(have, out.length - have));
  return out;
}

/** ModelProto { ir_version 7, opset 13, graph = the given GraphProto body }. */
function model(graph: Uint8Array): Uint8Array {
  const opset = field(8, Uint8Array.from([0x10, 13])); // OperatorSetIdProto { version 13 }
  return concat([Uint8Array.from([0x08, 7]), opset, field(7, graph)]);
}

/** One initializer with `n` packed dims of value 1 (1 byte each): the report's 16 MB, 16 M dims file. */
export function packedDims(n: number): Uint8Array {
  return model(field(5, field(1, repeat([1], n))));
}

/** `n` empty nodes (2 bytes each). */
export function manyNodes(n: number): Uint8Array {
  return model(repeat([0x0a, 0x00], n));
}

/** One node with `n` two-letter input names (4 bytes each). */
export function manyStrings(n: number): Uint8Array {
  return model(field(1, repeat([0x0a, 0x02, 0x61, 0x62], n)));
}

/** A graph doc_string of `n` bytes. */
export function hugeString(n: number): Uint8Array {
  return model(field(10, new Uint8Array(n).fill(0x61)));
}

/** One initializer with `n` packed float_data values (4 bytes each). */
export function packedFloats(n: number): Uint8Array {
  return model(field(5, concat([Uint8Array.from([0x10, 1]), field(4, new Uint8Array(n * 4))])));
}

/** A node with an attribute holding `n` packed ints (1 byte each). */
export function packedAttributeInts(n: number): Uint8Array {
  return model(field(1, field(5, field(8, repeat([1], n)))));
}

/** The graph input's shape with `n` dimensions (4 bytes each). */
export function manyDimensions(n: number): Uint8Array {
  const shape = field(2, repeat([0x0a, 0x02, 0x08, 0x01], n)); // TensorShapeProto { dim { dim_value 1 } x n }
  const type = field(1, concat([Uint8Array.from([0x08, 2]), shape])); // TypeProto { tensor_type { elem_type, shape } }
  return model(field(11, concat([Uint8Array.from([0x0a, 1, 0x78]), field(2, type)])));
}

/** `n` unknown varint fields (field 99 of GraphProto, 3 bytes each): nothing to allocate, only to walk. */
export function manyUnknownFields(n: number): Uint8Array {
  return model(repeat([0x98, 0x06, 0x01], n));
}
