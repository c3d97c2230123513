// Counts what decoding an untrusted .onnx would allocate, from the protobuf wire format alone, before
// protobufjs decodes it. protobufjs turns every message into an object, every packed int64 into a
// Long (~60 bytes for 1 byte of file), every packed float into a JS number and every string into a JS
// string; a 16 MB file of packed dims once held the process for 16 s and 1.6 GB. The walk reads each
// field the way the generated decoder does (by field number, not by the declared wire type), so the
// counts bound what the decoder will build, and it allocates nothing itself.

import { ModelRejected } from './model-error.js';

/**
 * Limits for a whole file; each far above what a classifier catnet reads needs (a catnet CNN file has
 * under 1,000 fields), and low enough that decoding what passes stays well under 2 s and 300 MB here.
 */
export const WIRE_LIMITS = {
  /** Fields of any kind, known or not: bounds the time of this walk and of decoding. */
  fields: 500_000,
  /** Messages of any kind (nodes, attributes, tensors, value infos, dimensions, ...). */
  messages: 50_000,
  nodes: 10_000,
  /** int64 / int32 values (dims, int64_data, ints, ...): each becomes a Long object of ~60 bytes. */
  integers: 100_000,
  /** float / double values stored as lists (float_data, floats; catnet writes raw_data): slow to decode. */
  floats: 500_000,
  /** Strings (names, op types, doc strings, metadata): each a JS string of its own, slow to decode. */
  strings: 50_000,
  /** Bytes of all strings together. */
  stringBytes: 16 * 1024 * 1024,
  /** Entries of repeated bytes fields (string_data, strings). */
  byteStrings: 50_000,
  /** Nesting of messages (a catnet graph is 7 deep; subgraphs would nest further). */
  depth: 32,
} as const;

type Scalar = 'varint' | 'fixed32' | 'fixed64';
/** How the generated decoder reads a field: a message, a string, bytes, or a (packable) scalar. */
type Kind = { msg: string } | 'string' | 'bytes' | 'bytes[]' | Scalar | { packed: Scalar; value: 'int' | 'float' };

const INTS: Kind = { packed: 'varint', value: 'int' };
const FLOATS: Kind = { packed: 'fixed32', value: 'float' };
const DOUBLES: Kind = { packed: 'fixed64', value: 'float' };
const m = (msg: string): Kind => ({ msg });

/** onnx.proto as onnx-proto's decoder reads it (field number -> kind); other fields are skipped by wire type. */
const SCHEMA: Record<string, Record<number, Kind>> = {
  Model: {
    1: 'varint',
    8: m('OperatorSetId'),
    2: 'string',
    3: 'string',
    4: 'string',
    5: 'varint',
    6: 'string',
    7: m('Graph'),
    14: m('StringStringEntry'),
    20: m('TrainingInfo'),
    25: m('Function'),
  },
  OperatorSetId: { 1: 'string', 2: 'varint' },
  StringStringEntry: { 1: 'string', 2: 'string' },
  TrainingInfo: { 1: m('Graph'), 2: m('Graph'), 3: m('StringStringEntry'), 4: m('StringStringEntry') },
  Function: {
    1: 'string',
    4: 'string',
    5: 'string',
    6: 'string',
    7: m('Node'),
    8: 'string',
    9: m('OperatorSetId'),
    10: 'string',
  },
  Graph: {
    1: m('Node'),
    2: 'string',
    5: m('Tensor'),
    15: m('SparseTensor'),
    10: 'string',
    11: m('ValueInfo'),
    12: m('ValueInfo'),
    13: m('ValueInfo'),
    14: m('TensorAnnotation'),
  },
  TensorAnnotation: { 1: 'string', 2: m('StringStringEntry') },
  Node: { 1: 'string', 2: 'string', 3: 'string', 4: 'string', 7: 'string', 5: m('Attribute'), 6: 'string' },
  Attribute: {
    1: 'string',
    21: 'string',
    13: 'string',
    20: 'varint',
    2: 'fixed32',
    3: 'varint',
    4: 'bytes',
    5: m('Tensor'),
    6: m('Graph'),
    22: m('SparseTensor'),
    14: m('Type'),
    7: FLOATS,
    8: INTS,
    9: 'bytes[]',
    10: m('Tensor'),
    11: m('Graph'),
    23: m('SparseTensor'),
    15: m('Type'),
  },
  ValueInfo: { 1: 'string', 2: m('Type'), 3: 'string' },
  Tensor: {
    1: INTS,
    2: 'varint',
    3: m('Segment'),
    4: FLOATS,
    5: INTS,
    6: 'bytes[]',
    7: INTS,
    8: 'string',
    12: 'string',
    9: 'bytes',
    13: m('StringStringEntry'),
    14: 'varint',
    10: DOUBLES,
    11: INTS,
  },
  Segment: { 1: 'varint', 2: 'varint' },
  SparseTensor: { 1: m('Tensor'), 2: m('Tensor'), 3: INTS },
  Type: {
    1: m('TypeTensor'),
    4: m('TypeSequence'),
    5: m('TypeMap'),
    9: m('TypeOptional'),
    8: m('TypeTensor'),
    6: 'string',
  },
  TypeTensor: { 1: 'varint', 2: m('TensorShape') },
  TypeSequence: { 1: m('Type') },
  TypeMap: { 1: 'varint', 2: m('Type') },
  TypeOptional: { 1: m('Type') },
  TensorShape: { 1: m('Dimension') },
  Dimension: { 1: 'varint', 2: 'string', 3: 'string' },
};

export interface WireCounts {
  fields: number;
  messages: number;
  nodes: number;
  integers: number;
  floats: number;
  strings: number;
  stringBytes: number;
  byteStrings: number;
  depth: number;
}

/**
 * Walks a ModelProto's bytes; throws ModelRejected ('too-complex' over a limit, 'malformed' when the
 * framing is inconsistent) naming `file`. Returns the counts (for tests and figures).
 */
export function scanOnnxWire(bytes: Uint8Array, file: string): WireCounts {
  return new WireScan(bytes, file).run();
}

class WireScan {
  private pos = 0;
  private readonly counts: WireCounts = {
    fields: 0,
    messages: 0,
    nodes: 0,
    integers: 0,
    floats: 0,
    strings: 0,
    stringBytes: 0,
    byteStrings: 0,
    depth: 0,
  };

  constructor(
    private readonly buf: Uint8Array,
    private readonly file: string,
  ) {}

  run(): WireCounts {
    this.message('Model', this.buf.length, 1);
    return this.counts;
  }

  private message(type: string, end: number, depth: number): void {
    const schema = SCHEMA[type];
    if (depth > WIRE_LIMITS.depth) this.over('depth', depth, 'levels of nested messages');
    this.counts.depth = Math.max(this.counts.depth, depth);
    while (this.pos < end) {
      const tag = this.uint32(end);
      this.count('fields', 1);
      const field = tag >>> 3;
      const wire = tag & 7;
      const kind = schema[field];
      if (kind === undefined) this.skip(wire, end);
      else if (typeof kind === 'string') this.read(kind, end);
      else if ('msg' in kind) {
        const len = this.uint32(end);
        const sub = this.within(len, end);
        this.count('messages', 1);
        if (kind.msg === 'Node') this.count('nodes', 1);
        this.message(kind.msg, sub, depth + 1);
      } else if (wire === 2) {
        const sub = this.within(this.uint32(end), end);
        const what = kind.value === 'int' ? 'integers' : 'floats';
        this.count(what, this.packedCount(kind.packed, sub, WIRE_LIMITS[what] - this.counts[what]));
        this.pos = sub;
      } else {
        this.count(kind.value === 'int' ? 'integers' : 'floats', 1);
        this.read(kind.packed, end);
      }
    }
  }

  /** One field of a known scalar / string / bytes kind, read as the decoder reads it. */
  private read(kind: Scalar | 'string' | 'bytes' | 'bytes[]', end: number): void {
    if (kind === 'varint') {
      this.varint(end);
      return;
    }
    if (kind === 'fixed32' || kind === 'fixed64') {
      this.advance(kind === 'fixed32' ? 4 : 8, end);
      return;
    }
    const len = this.uint32(end);
    this.advance(len, end); // bytes stay a view into the file: no copy
    if (kind === 'string') {
      this.count('strings', 1);
      this.count('stringBytes', len);
    } else if (kind === 'bytes[]') this.count('byteStrings', 1);
  }

  /**
   * Values in a packed run [pos, end): varints end at bytes < 0x80, fixed ones by size. The run must
   * end on a value's end: the decoder reads while pos < end, so a partial last value would make it
   * read past the run and frame the rest of the file differently from this walk.
   */
  private packedCount(kind: Scalar, end: number, budget: number): number {
    const len = end - this.pos;
    const size = kind === 'fixed32' ? 4 : kind === 'fixed64' ? 8 : 0;
    if (size > 0) {
      if (len % size !== 0) throw this.malformed(`a packed list of ${len} bytes at byte ${this.pos}`);
      return len / size;
    }
    if (len > 0 && this.buf[end - 1] >= 0x80) throw this.malformed(`a packed list ends inside a value at byte ${end}`);
    let n = 0;
    // Counting stops just over the budget: the caller refuses, and a 256 MB run costs no more than a small one.
    for (let p = this.pos; p < end && n <= budget; p++) if (this.buf[p] < 0x80) n++;
    return n;
  }

  /** An unknown field, skipped by its wire type as the decoder does (groups are refused: ONNX has none). */
  private skip(wire: number, end: number): void {
    if (wire === 0) this.varint(end);
    else if (wire === 1) this.advance(8, end);
    else if (wire === 2) this.advance(this.uint32(end), end);
    else if (wire === 5) this.advance(4, end);
    else throw this.malformed(`wire type ${wire} at byte ${this.pos}`);
  }

  /** Moves past `len` bytes, which must stay inside the enclosing message. */
  private advance(len: number, end: number): void {
    this.pos = this.within(len, end);
  }

  /** A varint read as protobufjs's uint32 (lengths, tags): at most 5 bytes, or 10 with the rest skipped. */
  private uint32(end: number): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= end) throw this.malformed(`a varint runs past its message at byte ${this.pos}`);
      const b = this.buf[this.pos++];
      value += (i < 4 ? b & 0x7f : b & 0x0f) * 2 ** (7 * i);
      if (b < 0x80) return value;
    }
    this.advance(5, end);
    return value;
  }

  /** Any varint of up to 10 bytes. */
  private varint(end: number): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw this.malformed(`a varint runs past its message at byte ${this.pos}`);
      if (this.buf[this.pos++] < 0x80) return;
    }
    throw this.malformed(`a varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** The end of `len` bytes from pos, which must stay inside the enclosing message. */
  private within(len: number, end: number): number {
    if (this.pos + len > end)
      throw this.malformed(`a field of ${len} bytes at byte ${this.pos} runs past the end of its message`);
    return this.pos + len;
  }

  private count(what: keyof typeof WIRE_LIMITS & keyof WireCounts, n: number): void {
    this.counts[what] += n;
    if (this.counts[what] > WIRE_LIMITS[what]) this.over(what, this.counts[what], NOUN[what]);
  }

  private over(what: keyof typeof WIRE_LIMITS, n: number, noun: string): never {
    throw new ModelRejected(
      'too-complex',
      `${this.file} holds more than ${WIRE_LIMITS[what]} ${noun} (${n} so far); no classifier catnet reads needs ` +
        'that many, so it was not decoded. It is damaged or was made to exhaust memory.',
    );
  }

  private malformed(why: string): ModelRejected {
    return new ModelRejected(
      'malformed',
      `${this.file} is not a valid ONNX file (it is damaged, truncated or another format): ${why}.`,
    );
  }
}

const NOUN: Record<keyof WireCounts, string> = {
  fields: 'protobuf fields',
  messages: 'protobuf messages',
  nodes: 'nodes',
  integers: 'integer values in lists (dims, int64_data, ints)',
  floats: 'float values stored as lists (float_data; write raw_data instead)',
  strings: 'strings',
  stringBytes: 'bytes of strings',
  byteStrings: 'byte strings',
  depth: 'levels of nested messages',
};
