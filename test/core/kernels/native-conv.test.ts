// The native convolution and pooling kernels (src-core/native/conv.c, pool.c) against the reference
// loops (reference-conv.ts, the specification), for every instruction set this machine runs, on shapes
// whose channels and sizes are not multiples of any vector width, and at unaligned offsets; and the
// same bits for 1, 2 and 3 threads.
// Tolerance: |native - reference| <= 1e-6 + 2e-5 * S (forward, backward data) or 4e-5 * S (backward
// weights, longer sums), where S is the reference's sum of |terms| for that element (the same
// kernel on |inputs|): float32 sums of up to ~500 terms in another order, against the reference's
// float64 sum rounded once.
import { describe, expect, it } from 'vitest';
import type { ConvShape, KernelActivation, Kernels } from '../../../src-core/kernels/kernels.js';
import { setNativeIsa, setNativeThreads } from '../../../src-core/kernels/native.js';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { bytes, expectClose, floats, nativeUnderTest, sameBits, seeded } from '../../helpers/native-kernels.js';

const { native, isas, defaultIsa, defaultThreads } = nativeUnderTest('native conv tests');
const ref = referenceKernels();

const SHAPES: ConvShape[] = [
  { m: 1, c_in: 1, h: 1, w: 1, c_out: 1, k: 1 },
  { m: 1, c_in: 1, h: 1, w: 1, c_out: 1, k: 3 },
  { m: 2, c_in: 3, h: 5, w: 4, c_out: 7, k: 3 },
  { m: 3, c_in: 5, h: 13, w: 11, c_out: 17, k: 3 },
  { m: 2, c_in: 3, h: 7, w: 13, c_out: 17, k: 5 },
  { m: 1, c_in: 5, h: 9, w: 2, c_out: 1, k: 5 },
  { m: 3, c_in: 1, h: 12, w: 12, c_out: 7, k: 1 },
  { m: 2, c_in: 3, h: 2, w: 3, c_out: 7, k: 5 }, // filter larger than the image
  { m: 3, c_in: 16, h: 16, w: 17, c_out: 33, k: 3 }, // whole tiles and remainders
];

const abs = (x: Float32Array) => x.map(Math.abs);
const sizes = (s: ConvShape) => ({
  input: s.m * s.c_in * s.h * s.w,
  output: s.m * s.c_out * s.h * s.w,
  weights: s.c_out * s.c_in * s.k * s.k,
});

/** Every conv kernel on one shape with one backend; returns each output by name. */
function runConv(kn: Kernels, s: ConvShape, kind: KernelActivation, seed: number, offset: number) {
  const n = sizes(s);
  const Aprev = floats(n.input, seed, -1, 1, offset);
  const X = bytes(n.input, seed + 1, offset);
  const W = floats(n.weights, seed + 2, -1, 1, offset);
  const b = floats(s.c_out, seed + 3, -1, 1, offset);
  const dZ = floats(n.output, seed + 4, -1, 1, offset);
  const out = {
    Z: new Float32Array(n.output).fill(Number.NaN),
    A: new Float32Array(n.output).fill(Number.NaN),
    Zu8: new Float32Array(n.output).fill(Number.NaN),
    Au8: new Float32Array(n.output).fill(Number.NaN),
    dAprev: new Float32Array(n.input).fill(Number.NaN),
    dW: new Float32Array(n.weights).fill(Number.NaN),
    db: new Float32Array(s.c_out).fill(Number.NaN),
    dWu8: new Float32Array(n.weights).fill(Number.NaN),
    dbu8: new Float32Array(s.c_out).fill(Number.NaN),
  };
  kn.conv2dForward(kind, out.Z, out.A, Aprev, W, b, s);
  kn.conv2dForwardU8(kind, out.Zu8, out.Au8, X, 1 / 255, W, b, s);
  kn.conv2dBackwardData(out.dAprev, dZ, W, s);
  kn.conv2dBackwardWeights(out.dW, out.db, dZ, Aprev, 1 / s.m, s);
  kn.conv2dBackwardWeightsU8(out.dWu8, out.dbu8, dZ, X, 1 / 255, 1 / s.m, s);
  return { out, inputs: { Aprev, X, W, b, dZ } };
}

/** The reference on |inputs|: each element's sum of |terms|, the scale of its rounding error. */
function magnitudes(s: ConvShape, i: ReturnType<typeof runConv>['inputs']) {
  const n = sizes(s);
  const Z = new Float32Array(n.output);
  const Zu8 = new Float32Array(n.output);
  const dAprev = new Float32Array(n.input);
  const dW = new Float32Array(n.weights);
  const db = new Float32Array(s.c_out);
  const dWu8 = new Float32Array(n.weights);
  const dbu8 = new Float32Array(s.c_out);
  const [Aprev, W, b, dZ] = [abs(i.Aprev), abs(i.W), abs(i.b), abs(i.dZ)];
  ref.conv2dForward('identity', Z, Z, Aprev, W, b, s);
  ref.conv2dForwardU8('identity', Zu8, Zu8, i.X, 1 / 255, W, b, s);
  ref.conv2dBackwardData(dAprev, dZ, W, s);
  ref.conv2dBackwardWeights(dW, db, dZ, Aprev, 1 / s.m, s);
  ref.conv2dBackwardWeightsU8(dWu8, dbu8, dZ, i.X, 1 / 255, 1 / s.m, s);
  return { Z, A: Z, Zu8, Au8: Zu8, dAprev, dW, db, dWu8, dbu8 };
}

/** Pooling inputs with many ties (values from a few levels), so "the first max" is exercised. */
function poolInput(size: number, seed: number): Float32Array {
  const r = seeded(seed);
  return Float32Array.from({ length: size }, () => Math.floor(r() * 4) - 1.5);
}

const POOL_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 2, 2],
  [3, 5, 4],
  [7, 13, 11],
  [17, 8, 9],
  [64, 32, 32], // big enough to be split over threads
];

function runPool(kn: Kernels, planes: number, h: number, w: number, seed: number) {
  const out = Math.floor(h / 2) * Math.floor(w / 2);
  const Aprev = poolInput(planes * h * w, seed);
  const dA = floats(planes * out, seed + 1);
  const A = new Float32Array(planes * out).fill(Number.NaN);
  const dAprev = new Float32Array(planes * h * w).fill(Number.NaN);
  kn.maxPool2Forward(A, Aprev, planes, h, w);
  // backward from the reference's A, so both backends route the same maxima
  const Aref = new Float32Array(planes * out);
  ref.maxPool2Forward(Aref, Aprev, planes, h, w);
  kn.maxPool2Backward(dAprev, dA, Aprev, Aref, planes, h, w);
  return { A, dAprev };
}

describe.skipIf(!native)('native conv and pooling agree with the reference', () => {
  for (const isa of isas) {
    describe(`ISA ${isa}`, () => {
      const use = () => {
        expect(setNativeIsa(isa)).toBe(true);
        return native!;
      };

      it.each(SHAPES)('conv2d forward, backward data and weights (float and bytes) on %o', (s) => {
        const kn = use();
        const kinds: KernelActivation[] = ['relu', 'identity', 'sigmoid', 'tanh', 'leaky_relu'];
        const kind = kinds[(s.c_out + s.h) % kinds.length];
        const seed = s.m * 1000 + s.c_in * 100 + s.h * 10 + s.k;
        const got = runConv(kn, s, kind, seed, 3);
        const want = runConv(ref, s, kind, seed, 0);
        const mag = magnitudes(s, got.inputs);
        const what = (name: string) => `${isa} ${name} ${kind} ${JSON.stringify(s)}`;
        for (const name of ['Z', 'A', 'Zu8', 'Au8', 'dAprev'] as const)
          expectClose(what(name), got.out[name], want.out[name], 2e-5, 1e-6, mag[name]);
        for (const name of ['dW', 'db', 'dWu8', 'dbu8'] as const)
          expectClose(what(name), got.out[name], want.out[name], 4e-5, 1e-6, mag[name]);
      });

      it('max-pool forward and backward: exact, first maximum in window order, odd sizes', () => {
        const kn = use();
        for (const [planes, h, w] of POOL_SHAPES) {
          const got = runPool(kn, planes, h, w, planes + h + w);
          const want = runPool(ref, planes, h, w, planes + h + w);
          expectClose(`${isa} pool A ${[planes, h, w]}`, got.A, want.A, 0, 0);
          expectClose(`${isa} pool dAprev ${[planes, h, w]}`, got.dAprev, want.dAprev, 0, 0);
        }
      });

      it('the same bits for 1, 2 and 3 threads', () => {
        const kn = use();
        const shapes: ConvShape[] = [
          { m: 5, c_in: 5, h: 13, w: 11, c_out: 17, k: 3 },
          { m: 8, c_in: 16, h: 32, w: 32, c_out: 32, k: 3 },
        ];
        try {
          for (const s of shapes) {
            setNativeThreads(1);
            const one = runConv(kn, s, 'relu', 7, 1).out;
            const pool1 = runPool(kn, 64, 32, 32, 9);
            for (const threads of [2, 3]) {
              setNativeThreads(threads);
              const many = runConv(kn, s, 'relu', 7, 1).out;
              for (const name of Object.keys(one) as (keyof typeof one)[])
                expect(sameBits(many[name], one[name]), `${isa} ${name} with ${threads} threads`).toBe(true);
              const pool = runPool(kn, 64, 32, 32, 9);
              expect(sameBits(pool.A, pool1.A) && sameBits(pool.dAprev, pool1.dAprev)).toBe(true);
            }
          }
        } finally {
          setNativeThreads(defaultThreads);
        }
      });
    });
  }

  it('refuses bad shapes and short arrays before native code runs', () => {
    setNativeIsa(defaultIsa);
    const s: ConvShape = { m: 1, c_in: 2, h: 3, w: 3, c_out: 2, k: 3 };
    const Z = new Float32Array(18);
    const W = new Float32Array(36);
    const b = new Float32Array(2);
    expect(() => native!.conv2dForward('relu', Z, Z, new Float32Array(18), W, b, { ...s, k: 2 })).toThrow(/odd/);
    expect(() => native!.conv2dForward('relu', Z, Z, new Float32Array(17), W, b, s)).toThrow(/Aprev has 17 values/);
    expect(() => native!.conv2dBackwardWeights(new Float32Array(35), b, Z, Z, 1, s)).toThrow(/dW has 35 values/);
    expect(() => native!.maxPool2Forward(new Float32Array(1), new Float32Array(15), 2, 3, 3)).toThrow(/Aprev/);
  });
});
