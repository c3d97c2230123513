// Property: the native kernels equal the reference (the specification) on random shapes, transposes,
// scalars, instruction sets, thread counts and unaligned subarray offsets, and never write outside the
// output view they were given (guard values around it stay NaN-free sentinels). Sizes that do not fit
// the arrays are refused by the wrapper before native code runs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setNativeIsa, setNativeThreads } from '../../src-core/kernels/native.js';
import { referenceKernels } from '../../src-core/kernels/reference.js';
import { ACTIVATIONS } from '../../src-core/nn/model.js';
import '../helpers/fuzz-seed.js';
import { expectClose, nativeUnderTest, seeded } from '../helpers/native-kernels.js';

const RUNS = Number(process.env.CATNET_FUZZ_RUNS ?? 150);
const GUARD = 1234.5;

const { native, isas } = nativeUnderTest('kernel property tests');
const ref = referenceKernels();

/** A view of `values` at `offset` inside a buffer whose other elements are GUARD. */
function view(values: ArrayLike<number>, offset: number): { v: Float32Array; all: Float32Array } {
  const all = new Float32Array(values.length + offset + 5).fill(GUARD);
  const v = all.subarray(offset, offset + values.length);
  v.set(values);
  return { v, all };
}

function guardsIntact(all: Float32Array, offset: number, length: number): boolean {
  for (let i = 0; i < all.length; i++) if ((i < offset || i >= offset + length) && all[i] !== GUARD) return false;
  return true;
}

const floatsOf = (n: number) =>
  fc.array(fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });

const setup = fc.record({
  isa: fc.constantFrom(...(isas.length > 0 ? isas : ['scalar' as const])),
  threads: fc.integer({ min: 1, max: 4 }),
  offset: fc.integer({ min: 0, max: 7 }),
});

describe.skipIf(!native)('native kernels = reference on random inputs', () => {
  const use = (s: { isa: string; threads: number }) => {
    expect(setNativeIsa(s.isa as 'scalar')).toBe(true);
    setNativeThreads(s.threads);
    return native!;
  };

  it('gemm and gemmU8: any shape, transpose, alpha, beta; nothing written outside C', () => {
    const shape = fc.record({
      M: fc.integer({ min: 0, max: 40 }),
      N: fc.integer({ min: 0, max: 70 }),
      K: fc.integer({ min: 0, max: 90 }),
      tA: fc.boolean(),
      tB: fc.boolean(),
      u8: fc.boolean(),
      alpha: fc.constantFrom(1, -0.5, 1 / 255, 2.25),
      beta: fc.constantFrom(0, 1, 0.3),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(setup, shape, (s, g) => {
        const kn = use(s);
        const r = seeded(g.seed);
        const A = Float32Array.from({ length: g.M * g.K }, () => r() * 2 - 1);
        const Bf = Float32Array.from({ length: g.K * g.N }, () => r() * 2 - 1);
        const Bu = Uint8Array.from({ length: g.K * g.N }, () => Math.floor(r() * 256));
        const C0 = Float32Array.from({ length: g.M * g.N }, () => r() * 2 - 1);
        const n = view(C0, s.offset);
        const want = Float32Array.from(C0);
        const mag = new Float32Array(g.M * g.N);
        if (g.beta === 0) n.v.fill(Number.NaN); // beta = 0 ignores C, even NaN
        if (g.u8) {
          kn.gemmU8(g.tB, g.M, g.N, g.K, g.alpha, A, Bu, g.beta, n.v);
          ref.gemmU8(g.tB, g.M, g.N, g.K, g.alpha, A, Bu, g.beta, want);
          ref.gemmU8(g.tB, g.M, g.N, g.K, Math.abs(g.alpha), A.map(Math.abs), Bu, 0, mag);
        } else {
          kn.gemm(g.tA, g.tB, g.M, g.N, g.K, g.alpha, A, Bf, g.beta, n.v);
          ref.gemm(g.tA, g.tB, g.M, g.N, g.K, g.alpha, A, Bf, g.beta, want);
          ref.gemm(g.tA, g.tB, g.M, g.N, g.K, Math.abs(g.alpha), A.map(Math.abs), Bf.map(Math.abs), 0, mag);
        }
        for (let i = 0; i < want.length; i++) mag[i] += Math.abs(g.beta * C0[i]!);
        expectClose(`gemm ${JSON.stringify({ s, g })}`, n.v, want, 2e-5, 1e-6, mag);
        expect(guardsIntact(n.all, s.offset, want.length)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('biasActivation, activationBackward, rowSum and the cost: any size and activation', () => {
    const shape = fc
      .record({ n: fc.integer({ min: 1, max: 9 }), m: fc.integer({ min: 1, max: 300 }) })
      .chain(({ n, m }) =>
        fc.record({
          n: fc.constant(n),
          m: fc.constant(m),
          Z: floatsOf(n * m),
          b: floatsOf(n),
          dA: floatsOf(n * m),
          Y: fc.array(fc.constantFrom(0, 1), { minLength: m, maxLength: m }),
          g: fc.constantFrom(...ACTIVATIONS),
        }),
      );
    fc.assert(
      fc.property(setup, shape, (s, t) => {
        const kn = use(s);
        const size = t.n * t.m;
        const close = (what: string, a: ArrayLike<number>, b: ArrayLike<number>, tol: number) =>
          expectClose(`${what} (${t.g}, n=${t.n}, m=${t.m})`, a, b, tol, tol);
        // Z += b, A = g(Z)
        const Zn = view(t.Z, s.offset);
        const An = view(new Float32Array(size), s.offset);
        const Zr = Float32Array.from(t.Z);
        const Ar = new Float32Array(size);
        kn.biasActivation(t.g, Zn.v, An.v, Float32Array.from(t.b), t.n, t.m);
        ref.biasActivation(t.g, Zr, Ar, Float32Array.from(t.b), t.n, t.m);
        close('Z', Zn.v, Zr, 1e-6);
        close('A', An.v, Ar, 1e-5);
        // dZ = dA * g'(Z)
        const dZn = view(new Float32Array(size), s.offset);
        const dZr = new Float32Array(size);
        kn.activationBackward(t.g, dZn.v, Float32Array.from(t.dA), Zr, Ar, size);
        ref.activationBackward(t.g, dZr, Float32Array.from(t.dA), Zr, Ar, size);
        close('dZ', dZn.v, dZr, 1e-5);
        // db = (1/m) sum over columns
        const dbn = view(new Float32Array(t.n), s.offset);
        const dbr = new Float32Array(t.n);
        kn.rowSum(dbn.v, dZr, t.n, t.m, 1 / t.m);
        ref.rowSum(dbr, dZr, t.n, t.m, 1 / t.m);
        close('db', dbn.v, dbr, 1e-5);
        // cost on the first row as logits
        const Y = Float32Array.from(t.Y);
        const Z1 = Zr.subarray(0, t.m);
        const costN = kn.sigmoidCrossEntropy(Z1, Y, t.m, null, null);
        const costR = ref.sigmoidCrossEntropy(Z1, Y, t.m, null, null);
        close('cost', [costN], [costR], 1e-5);
        for (const [name, v] of [
          ['Z', Zn],
          ['A', An],
          ['dZ', dZn],
        ] as const)
          expect(guardsIntact(v.all, s.offset, size), name).toBe(true);
        expect(guardsIntact(dbn.all, s.offset, t.n)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('conv2d and max-pool: any small shape; nothing written outside the outputs', () => {
    const shape = fc.record({
      m: fc.integer({ min: 1, max: 3 }),
      c_in: fc.integer({ min: 1, max: 5 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      c_out: fc.integer({ min: 1, max: 9 }),
      k: fc.constantFrom(1, 3, 5),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(setup, shape, (s, g) => {
        const kn = use(s);
        const c = { m: g.m, c_in: g.c_in, h: g.h, w: g.w, c_out: g.c_out, k: g.k };
        const r = seeded(g.seed);
        const values = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
        const [input, output, weights] = [
          g.m * g.c_in * g.h * g.w,
          g.m * g.c_out * g.h * g.w,
          g.c_out * g.c_in * g.k ** 2,
        ];
        const [Aprev, W, b, dZ] = [values(input), values(weights), values(g.c_out), values(output)];
        const what = JSON.stringify({ s, g });
        const check = (name: string, run: (kk: typeof kn, out: Float32Array) => void, size: number, tol: number) => {
          const n = view(new Float32Array(size), s.offset);
          const want = new Float32Array(size);
          run(kn, n.v);
          run(ref, want);
          expectClose(`${name} ${what}`, n.v, want, tol, tol);
          expect(guardsIntact(n.all, s.offset, size), name).toBe(true);
        };
        check('conv2dForward', (kk, Z) => kk.conv2dForward('relu', Z, Z, Aprev, W, b, c), output, 1e-4);
        check('conv2dBackwardData', (kk, dA) => kk.conv2dBackwardData(dA, dZ, W, c), input, 1e-4);
        check(
          'conv2dBackwardWeights',
          (kk, dW) => kk.conv2dBackwardWeights(dW, new Float32Array(g.c_out), dZ, Aprev, 1 / g.m, c),
          weights,
          1e-4,
        );
        const pooled = g.m * g.c_out * Math.floor(g.h / 2) * Math.floor(g.w / 2);
        const P = new Float32Array(pooled);
        ref.maxPool2Forward(P, dZ, g.m * g.c_out, g.h, g.w);
        check('maxPool2Forward', (kk, out) => kk.maxPool2Forward(out, dZ, g.m * g.c_out, g.h, g.w), pooled, 0);
        check('maxPool2Backward', (kk, out) => kk.maxPool2Backward(out, P, dZ, P, g.m * g.c_out, g.h, g.w), output, 0);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('sizes larger than the arrays, negative or fractional sizes are refused before native code runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(1, -1, 0.5, Number.NaN, 2 ** 53),
        (M, N, K, extra) => {
          const A = new Float32Array(M * K);
          const B = new Float32Array(K * N);
          const C = view(new Float32Array(M * N), 2);
          const bad = extra === 1 ? M + 1 : extra === -1 ? -M : extra;
          expect(() => native!.gemm(false, false, bad, N, K, 1, A, B, 0, C.v)).toThrow(/gemm: /);
          expect(guardsIntact(C.all, 2, M * N)).toBe(true);
          expect(() => native!.rowSum(C.v, A, M * K + 1, 1, 1)).toThrow(/rowSum: /);
        },
      ),
      { numRuns: 50 },
    );
  });
});
