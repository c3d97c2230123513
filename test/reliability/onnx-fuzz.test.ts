// Property: the ONNX importer, given catnet's own files (dense and CNN) and foreign-style files with
// random byte or structure mutations (float attributes set to NaN / Inf / huge values, integer lists,
// packed repeated fields grown to millions of entries), or random bytes, either accepts the model (and then onnxruntime loads it and
// gives probabilities in [0, 1]) or rejects it with a message naming the file. Runs in a child process
// (crash harness), so an abort inside onnxruntime or protobufjs is reported as a bug with its input.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src-core/onnx/export.js';
import type { OnnxTypes } from '../../src-core/onnx/schema.js';
import { CrashHarness, type HarnessOutcome, isContractOutcome } from '../helpers/crash-harness.js';
import { features, randomCnnModel } from '../helpers/onnx-cnn.js';
import { editModel, foreignModel } from '../helpers/onnx-graphs.js';
import { randomModel } from '../helpers/onnx-oracle.js';
import '../helpers/fuzz-seed.js';

const RUNS = Number(process.env.CATNET_FUZZ_RUNS ?? 100);

const own = exportOnnx(randomModel([3], 'relu', 1));
const foreign = foreignModel(randomModel([2, 2], 'tanh', 2));
const cnn = exportOnnx(randomCnnModel(features('c3,p,c4k5,p', 'leaky_relu'), [4], 'leaky_relu', 3));

/** Positions biased towards the graph structure (the weights sit in the middle of the file). */
const position = (length: number) =>
  fc.oneof(
    fc.nat({ max: Math.min(length, 2048) - 1 }),
    fc.integer({ min: Math.max(0, length - 2048), max: length - 1 }),
    fc.nat({ max: length - 1 }),
  );

const byteMutation = (length: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.array(fc.tuple(position(length), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat({ max: length - 1 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: position(length),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
    // A length-delimited field holding a long run of 1-byte varints: a packed list of millions of
    // entries (dims, ints, int64_data, ...) when the field number lands on one.
    fc.record({
      kind: fc.constant('packed-run' as const),
      at: position(length),
      field: fc.constantFrom(1, 4, 5, 7, 8, 10, 11),
      count: fc.oneof(fc.nat(300), fc.integer({ min: 100_000, max: 1_000_000 })),
    }),
  );

function applyBytes(src: Uint8Array, m: ByteMutation): Uint8Array {
  const b = Buffer.from(src);
  switch (m.kind) {
    case 'flip':
      for (const [at, v] of m.at) b[at] = v;
      return b;
    case 'truncate':
      return b.subarray(0, m.keep);
    case 'insert':
      return Buffer.concat([b.subarray(0, m.at), m.bytes, b.subarray(m.at)]);
    case 'packed-run': {
      const head = [(m.field << 3) | 2];
      for (let n = m.count; ; n >>>= 7) {
        if (n < 0x80) {
          head.push(n);
          break;
        }
        head.push((n & 0x7f) | 0x80);
      }
      return Buffer.concat([b.subarray(0, m.at), Buffer.from(head), Buffer.alloc(m.count, 1), b.subarray(m.at)]);
    }
  }
}
type ByteMutation =
  | { kind: 'flip'; at: [number, number][] }
  | { kind: 'truncate'; keep: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'packed-run'; at: number; field: number; count: number };

const OPS = [
  'Gemm',
  'MatMul',
  'Add',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Cast',
  'Div',
  'Flatten',
  'Conv',
  'MaxPool',
  'Transpose',
  'Loop',
  'If',
  'Custom',
  '',
];
const hostileFloat = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e38, 1e-45, -0, 0.01, 0.2, 1, 255),
  fc.double(),
);
const hostileNumber = fc.oneof(
  fc.integer({ min: -3, max: 20 }),
  fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, 12288, 12289),
);

/** One structural edit of the decoded ModelProto (a field set to a hostile value). */
const structuralEdit = fc.oneof(
  fc.record({ kind: fc.constant('op' as const), node: fc.nat(20), op: fc.constantFrom(...OPS) }),
  fc.record({ kind: fc.constant('dim' as const), t: fc.nat(10), d: fc.nat(3), v: hostileNumber }),
  fc.record({ kind: fc.constant('dtype' as const), t: fc.nat(10), v: hostileNumber }),
  fc.record({ kind: fc.constant('input' as const), node: fc.nat(20), i: fc.nat(3), name: fc.string({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('attr' as const), node: fc.nat(20), v: hostileNumber, f: fc.double() }),
  fc.record({ kind: fc.constant('opset' as const), v: hostileNumber }),
  fc.record({ kind: fc.constant('ir' as const), v: hostileNumber }),
  fc.record({ kind: fc.constant('meta' as const), i: fc.nat(10), value: fc.string({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant('drop-node' as const), node: fc.nat(20) }),
  fc.record({ kind: fc.constant('dup-node' as const), node: fc.nat(20) }),
  fc.record({ kind: fc.constant('raw' as const), t: fc.nat(10), bytes: fc.uint8Array({ maxLength: 64 }) }),
  // One float attribute (alpha, beta, ...; added when the node has none) set to a hostile value.
  fc.record({
    kind: fc.constant('float-attr' as const),
    node: fc.nat(20),
    name: fc.constantFrom('alpha', 'beta'),
    f: hostileFloat,
  }),
  // An integer-list attribute (pads, strides, kernel_shape, dilations, perm, axes) set to a hostile list.
  fc.record({
    kind: fc.constant('ints-attr' as const),
    node: fc.nat(20),
    name: fc.constantFrom('pads', 'strides', 'kernel_shape', 'dilations', 'perm', 'axes'),
    ints: fc.array(hostileNumber, { maxLength: 6 }),
  }),
  // A packed repeated field of a tensor or attribute grown to n entries (encoded packed by protobufjs).
  fc.record({
    kind: fc.constant('packed' as const),
    t: fc.nat(10),
    field: fc.constantFrom('dims', 'int64Data', 'floatData', 'ints', 'floats'),
    n: fc.oneof(fc.nat(8), fc.integer({ min: 90_000, max: 400_000 })),
    v: fc.constantFrom(0, 1, -1, 2 ** 40),
  }),
);
type StructuralEdit = typeof structuralEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(m: OnnxTypes.ModelProto, e: StructuralEdit): void {
  const g = m.graph!;
  const nodes = g.node ?? [];
  const inits = g.initializer ?? [];
  const node = 'node' in e ? nodes[e.node % Math.max(1, nodes.length)] : undefined;
  const init = 't' in e ? inits[e.t % Math.max(1, inits.length)] : undefined;
  switch (e.kind) {
    case 'op':
      if (node) node.opType = e.op;
      return;
    case 'dim':
      if (init?.dims) init.dims[e.d % Math.max(1, init.dims.length)] = e.v;
      return;
    case 'dtype':
      if (init) init.dataType = e.v;
      return;
    case 'input':
      if (node?.input) node.input[e.i % Math.max(1, node.input.length)] = e.name;
      return;
    case 'attr':
      for (const a of node?.attribute ?? []) {
        a.i = e.v;
        a.f = e.f;
      }
      return;
    case 'opset':
      for (const o of m.opsetImport) o.version = e.v;
      return;
    case 'ir':
      m.irVersion = e.v;
      return;
    case 'meta': {
      const p = m.metadataProps[e.i % Math.max(1, m.metadataProps.length)];
      if (p) p.value = e.value;
      return;
    }
    case 'drop-node':
      if (nodes.length > 0) nodes.splice(e.node % nodes.length, 1);
      return;
    case 'dup-node':
      if (node) nodes.push(node);
      return;
    case 'raw':
      if (init) init.rawData = e.bytes;
      return;
    case 'float-attr': {
      if (!node) return;
      const a: OnnxTypes.IAttributeProto = node.attribute?.find((x) => x.type === 1) ?? { name: e.name, type: 1 };
      a.f = e.f;
      if (!node.attribute?.includes(a)) node.attribute = [...(node.attribute ?? []), a];
      return;
    }
    case 'ints-attr':
      if (node)
        node.attribute = [
          ...(node.attribute ?? []).filter((a) => a.name !== e.name),
          { name: e.name, type: 7, ints: e.ints },
        ];
      return;
    case 'packed': {
      const list = Array.from({ length: e.n }, () => e.v);
      if (e.field === 'ints' || e.field === 'floats') {
        const a = nodes[e.t % Math.max(1, nodes.length)]?.attribute?.[0];
        if (a) a[e.field] = list;
      } else if (init) init[e.field] = list;
      return;
    }
  }
}

describe('ONNX importer against hostile files (in a child process)', () => {
  let harness: CrashHarness;
  const tally: Record<string, number> = {};
  const check = (label: string, o: HarnessOutcome) => {
    const key = `${label}: ${o.outcome}`;
    tally[key] = (tally[key] ?? 0) + 1;
    if (!isContractOutcome(o)) throw new Error(`${label}: ${JSON.stringify(o).slice(0, 600)}`);
    if (o.outcome === 'rejected' && !o.message.includes('fuzz.onnx'))
      throw new Error(`${label}: the message does not name the file: ${o.message}`);
    if (o.outcome === 'accepted')
      for (const p of o.probabilities ?? [])
        if (!(p >= 0 && p <= 1)) throw new Error(`${label}: accepted, but onnxruntime gives probability ${p}`);
  };

  beforeAll(async () => {
    harness = await CrashHarness.start();
  });

  afterAll(async () => {
    await harness?.stop();
    console.info(`ONNX fuzz outcomes (${RUNS} runs per property):\n  ${Object.entries(tally).sort().join('\n  ')}`);
  });

  it('the unmutated files load and run', async () => {
    for (const bytes of [own, foreign, cnn]) {
      const o = await harness.run({ kind: 'onnx', bytes, run: true });
      expect(o.outcome, JSON.stringify(o)).toBe('accepted');
      check('seed', o);
    }
  });

  for (const [name, src] of [
    ['catnet file', own],
    ['foreign file', foreign],
    ['catnet CNN file', cnn],
  ] as const) {
    it(`${name} with random byte mutations: accepted and runnable, or rejected naming the file`, async () => {
      await fc.assert(
        fc.asyncProperty(byteMutation(src.length), async (m) => {
          check(`${name} bytes`, await harness.run({ kind: 'onnx', bytes: applyBytes(src, m), run: true }));
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name} with structural edits: accepted and runnable, or rejected naming the file`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(structuralEdit, { minLength: 1, maxLength: 3 }), async (edits) => {
          const bytes = editModel(src, (m) => {
            for (const e of edits) applyEdit(m, e);
          });
          check(`${name} edits`, await harness.run({ kind: 'onnx', bytes, run: true }));
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('random bytes: rejected naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), async (bytes) => {
        const o = await harness.run({ kind: 'onnx', bytes, run: true });
        check('random', o);
        expect(o.outcome).toBe('rejected');
      }),
      { numRuns: RUNS },
    );
  });
});
