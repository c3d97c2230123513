// The native kernels against the reference kernels (the specification), for every instruction set
// this machine can run (forced in-process with setNativeIsa), on shapes that are not multiples of
// the vector width, all transposes, beta = 0 over NaN, and subarray views at odd offsets.
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { KernelActivation, Kernels } from '../../../src-core/kernels/kernels.js';
import { kernelsAddonPath, setNativeIsa, setNativeThreads } from '../../../src-core/kernels/native.js';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { networkConfig } from '../../../src-core/nn/config.js';
import { initializeParameters } from '../../../src-core/nn/init.js';
import { ACTIVATIONS, type Activation } from '../../../src-core/nn/model.js';
import { Network } from '../../../src-core/nn/network.js';
import { bytes as bytesAt, expectClose, floats as floatsAt, nativeUnderTest } from '../../helpers/native-kernels.js';

const { native, isas, defaultIsa, defaultThreads } = nativeUnderTest('native kernels tests');
const ref = referenceKernels();

/** Seeded values at an odd offset inside a NaN-filled buffer (unaligned views; nothing past them read). */
const floats = (size: number, seed: number, lo = -1, hi = 1) => floatsAt(size, seed, lo, hi, 3);
const bytes = (size: number, seed: number) => bytesAt(size, seed, 5);

const abs = (x: Float32Array) => x.map(Math.abs);

const GEMM_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [17, 33, 19],
  [20, 209, 45],
  [7, 20, 209],
  [13, 31, 100],
  [4, 3, 0],
  [0, 5, 3],
  [5, 0, 3],
  [21, 211, 97], // > 2^18 multiply-adds: split across threads
  [5, 7, 4099], // K > 2048: the dot-product kernels run in blocks of k
];

/** Runs gemm / gemmU8 on both backends and compares; the tolerance scales with sum |a||b|. */
function checkGemm(kn: Kernels, u8: boolean, tA: boolean, tB: boolean, M: number, N: number, K: number, seed: number) {
  for (const [alpha, beta] of [
    [1, 0],
    [-0.37, 0.7],
  ]) {
    const A = floats(M * K, seed);
    const Bf = floats(K * N, seed + 1);
    const Bu = bytes(K * N, seed + 2);
    const C0 = floats(M * N, seed + 3);
    const Cn = floats(M * N, seed + 3);
    const Cr = floats(M * N, seed + 3);
    if (beta === 0) Cn.fill(Number.NaN);
    const mag = new Float32Array(M * N);
    if (u8) {
      kn.gemmU8(tB, M, N, K, alpha, A, Bu, beta, Cn);
      ref.gemmU8(tB, M, N, K, alpha, A, Bu, beta, Cr);
      ref.gemmU8(tB, M, N, K, Math.abs(alpha), abs(A), Bu, 0, mag);
    } else {
      kn.gemm(tA, tB, M, N, K, alpha, A, Bf, beta, Cn);
      ref.gemm(tA, tB, M, N, K, alpha, A, Bf, beta, Cr);
      ref.gemm(tA, tB, M, N, K, Math.abs(alpha), abs(A), abs(Bf), 0, mag);
    }
    for (let i = 0; i < mag.length; i++) mag[i] += Math.abs(beta * C0[i]);
    const what = `${u8 ? 'gemmU8' : 'gemm'}(transA=${tA}, transB=${tB}, M=${M}, N=${N}, K=${K}, beta=${beta})`;
    expectClose(what, Cn, Cr, 2e-5, 1e-6, mag);
  }
}

describe.skipIf(!native)('native kernels agree with the reference', () => {
  for (const isa of isas) {
    describe(`ISA ${isa}`, () => {
      const k = () => {
        expect(setNativeIsa(isa)).toBe(true);
        expect(native!.info.isa).toBe(isa);
        return native!;
      };

      it('gemm: all transposes, odd shapes, beta 0 over NaN, offset views', () => {
        const kn = k();
        let seed = 10;
        for (const [M, N, K] of GEMM_SHAPES)
          for (const tA of [false, true]) for (const tB of [false, true]) checkGemm(kn, false, tA, tB, M, N, K, seed++);
      });

      it('gemmU8: both layouts of the pixel matrix, including the layer-1 shapes', () => {
        const kn = k();
        let seed = 100;
        for (const [M, N, K] of [...GEMM_SHAPES, [20, 23, 12288] as [number, number, number]])
          for (const tB of [false, true]) checkGemm(kn, true, false, tB, M, N, K, seed++);
      });

      it('biasActivation: every activation, identity in place', () => {
        const kn = k();
        for (const kind of ['identity', ...ACTIVATIONS] as KernelActivation[]) {
          for (const [n, m] of [
            [1, 1],
            [3, 17],
            [20, 209],
            [5, 64],
          ]) {
            const Z0 = floats(n * m, n * m, -1.5 * n, 1.5 * n); // n = 5: mostly the polynomial range of tanh
            // exact points where formulas switch: 0, the tanh polynomial edge, tiny and huge values
            const special = [0, -0, 0.625, -0.625, 0.6249, 1e-4, -1e-4, 100, -100, 44, -88];
            for (let i = 0; i < Math.min(special.length, Z0.length); i++) Z0[i] = special[i];
            const b = floats(n, 7);
            const Zn = Z0.slice();
            const Zr = Z0.slice();
            const An = kind === 'identity' ? Zn : floats(n * m, 1).fill(Number.NaN);
            const Ar = kind === 'identity' ? Zr : new Float32Array(n * m);
            kn.biasActivation(kind, Zn, An, b, n, m);
            ref.biasActivation(kind, Zr, Ar, b, n, m);
            expectClose(`biasActivation ${kind} Z (${n}, ${m})`, Zn, Zr, 0, 0);
            // A few float32 ulps of g(z), plus what rounding z = Z + b to float32 moves g by (the
            // reference adds in float64): |z g'(z)| * 2^-24.
            const scale = Ar.map((a, i) => {
              const slope = kind === 'sigmoid' ? a * (1 - a) : kind === 'tanh' ? 1 - a * a : 0;
              return Math.abs(a) + Math.abs(Zr[i] * slope);
            });
            expectClose(`biasActivation ${kind} A (${n}, ${m})`, An, Ar, 4e-7, 1e-12, scale);
          }
        }
      });

      it('activationBackward: every activation', () => {
        const kn = k();
        for (const kind of ACTIVATIONS) {
          for (const size of [1, 15, 33, 4180, 70001]) {
            const Z = floats(size, size, -3, 3);
            Z[0] = 0;
            const A = new Float32Array(size);
            ref.biasActivation(kind, Z.slice(), A, new Float32Array(size), size, 1);
            const dA = floats(size, size + 1);
            const dZn = floats(size, 3).fill(Number.NaN);
            const dZr = new Float32Array(size);
            kn.activationBackward(kind, dZn, dA, Z, A, size);
            ref.activationBackward(kind, dZr, dA, Z, A, size);
            expectClose(`activationBackward ${kind} size ${size}`, dZn, dZr, 1e-6, 1e-7);
          }
        }
      });

      it('rowSum', () => {
        const kn = k();
        for (const [n, m] of [
          [1, 1],
          [7, 209],
          [20, 1000],
          [3, 40000],
        ]) {
          const X = floats(n * m, m);
          const on = floats(n, 1).fill(Number.NaN);
          const or = new Float32Array(n);
          kn.rowSum(on, X, n, m, 1 / m);
          ref.rowSum(or, X, n, m, 1 / m);
          expectClose(`rowSum (${n}, ${m})`, on, or, 0, 1e-6 / Math.sqrt(m) + 1e-7);
        }
      });

      it('sigmoidCrossEntropy: cost, A and dZ, with and without outputs', () => {
        const kn = k();
        for (const m of [1, 17, 209]) {
          const Z = floats(m, m, -40, 40);
          Z[0] = 0;
          const Y = floats(m, m + 1, 0, 1).map(Math.round) as Float32Array;
          const [An, dZn, Ar, dZr] = [0, 1, 2, 3].map(() => new Float32Array(m));
          const cn = kn.sigmoidCrossEntropy(Z, Y, m, An, dZn);
          const cr = ref.sigmoidCrossEntropy(Z, Y, m, Ar, dZr);
          expect(Math.abs(cn - cr)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(cr)));
          expectClose(`sigmoidCrossEntropy A m=${m}`, An, Ar, 0, 0);
          expectClose(`sigmoidCrossEntropy dZ m=${m}`, dZn, dZr, 0, 0);
          expect(kn.sigmoidCrossEntropy(Z, Y, m, null, null)).toBe(cn);
        }
      });

      it('axpy, momentumStep (beta 0 and 0.9), adamStep', () => {
        const kn = k();
        for (const size of [1, 31, 4180, 245760 + 7, (1 << 20) + 13]) {
          const x = floats(size, 1);
          const [yn, yr] = [floats(size, 2), floats(size, 2)];
          kn.axpy(yn, x, 0.03, size);
          ref.axpy(yr, x, 0.03, size);
          expectClose(`axpy ${size}`, yn, yr, 1e-6, 1e-7);

          for (const beta of [0, 0.9]) {
            const [pn, pr, vn, vr] = [floats(size, 3), floats(size, 3), floats(size, 4), floats(size, 4)];
            kn.momentumStep(pn, x, vn, 0.1, beta, size);
            ref.momentumStep(pr, x, vr, 0.1, beta, size);
            expectClose(`momentumStep beta ${beta} p ${size}`, pn, pr, 1e-6, 1e-7);
            expectClose(`momentumStep beta ${beta} v ${size}`, vn, vr, 1e-6, 1e-7);
          }

          const [pn, pr, vn, vr] = [floats(size, 5), floats(size, 5), floats(size, 6), floats(size, 6)];
          const [sn, sr] = [floats(size, 7, 0, 1), floats(size, 7, 0, 1)];
          const t = 3;
          const [b1, b2] = [0.9, 0.999];
          kn.adamStep(pn, x, vn, sn, 0.01, b1, b2, 1 - b1 ** t, 1 - b2 ** t, 1e-8, size);
          ref.adamStep(pr, x, vr, sr, 0.01, b1, b2, 1 - b1 ** t, 1 - b2 ** t, 1e-8, size);
          expectClose(`adamStep p ${size}`, pn, pr, 1e-6, 1e-6);
          expectClose(`adamStep v ${size}`, vn, vr, 1e-6, 1e-7);
          expectClose(`adamStep s ${size}`, sn, sr, 1e-6, 1e-7);
        }
      });
    });
  }
});

describe.skipIf(!native)('a whole network on native kernels', () => {
  it('gives the reference cost and gradients (course-shaped net, every activation)', () => {
    setNativeIsa(defaultIsa);
    const m = 23;
    const pixels = bytes(m * 12288, 31);
    const Y = floats(m, 32, 0, 1).map(Math.round) as Float32Array;
    for (const activation of ACTIVATIONS as Activation[]) {
      const config = networkConfig([6, 4], activation);
      const [nn, nr] = [native!, ref].map((k) => new Network(config, m, k));
      initializeParameters(nr.params, nr.layerDims, 'he', 5);
      nn.paramSlab.set(nr.paramSlab);
      const Jn = nn.forwardCost(pixels, Y, m, 0.1);
      const Jr = nr.forwardCost(pixels, Y, m, 0.1);
      expect(Math.abs(Jn - Jr), `${activation} cost`).toBeLessThanOrEqual(1e-5 * Math.abs(Jr));
      nn.backward(pixels, m, 0.1);
      nr.backward(pixels, m, 0.1);
      const scale = nr.gradSlab.reduce((a, g) => Math.max(a, Math.abs(g)), 0);
      expectClose(`${activation} gradients`, nn.gradSlab, nr.gradSlab, 0, 1e-4 * scale);
    }
  });
});

describe.skipIf(!native)('native kernels: threads and validation', () => {
  it('1 and 2 threads give bit-identical results on problems big enough to split', () => {
    setNativeIsa(defaultIsa);
    const kn = native!;
    const [M, N, K] = [20, 209, 3001];
    const A = floats(M * K, 1);
    const Bu = bytes(N * K, 2);
    const Bf = floats(N * K, 3);
    const results: Float32Array[] = [];
    for (const threads of [1, 2]) {
      setNativeThreads(threads);
      expect(kn.info.threads).toBe(threads);
      const out = new Float32Array(4 * M * N);
      kn.gemmU8(true, M, N, K, 1 / 255, A, Bu, 0, out.subarray(0, M * N));
      kn.gemm(false, true, M, N, K, 1, A, Bf, 0, out.subarray(M * N, 2 * M * N));
      const dW = new Float32Array(M * K);
      kn.gemmU8(false, M, K, N, 1 / 209, out.subarray(0, M * N), Bu, 0, dW);
      out.set(dW.subarray(0, 2 * M * N), 2 * M * N);
      results.push(out);
    }
    setNativeThreads(defaultThreads);
    expect(Buffer.from(results[1].buffer).equals(Buffer.from(results[0].buffer))).toBe(true);
  });

  it('the pool survives many back-to-back parallel calls (every result the same bits)', () => {
    setNativeIsa(defaultIsa);
    setNativeThreads(2);
    const [M, N, K] = [20, 209, 64]; // just above the size that is split across threads
    const A = floats(M * K, 21);
    const B = bytes(N * K, 22);
    const first = new Float32Array(M * N);
    const C = new Float32Array(M * N);
    native!.gemmU8(true, M, N, K, 1, A, B, 0, first);
    for (let r = 0; r < 2000; r++) {
      native!.gemmU8(true, M, N, K, 1, A, B, 0, C);
      if (!Buffer.from(C.buffer).equals(Buffer.from(first.buffer))) throw new Error(`call ${r} differs`);
    }
    setNativeThreads(defaultThreads);
  });

  it('too-short arrays and bad sizes are clear JS errors, not crashes', () => {
    const kn = native!;
    const A = new Float32Array(6);
    const C = new Float32Array(4);
    expect(() => kn.gemm(false, false, 2, 2, 3, 1, A, new Float32Array(5), 0, C)).toThrow(
      /gemm: B has 5 values but B \(K, N\) = 3 x 2 needs 6/,
    );
    expect(() => kn.gemm(false, false, 2, 2, 3, 1, A, new Float32Array(6), 0, C.subarray(1))).toThrow(/C has 3 values/);
    expect(() => kn.gemmU8(true, 2, 2, 3, 1, A, new Uint8Array(6), 0, new Float32Array(3))).toThrow(RangeError);
    expect(() => kn.gemmU8(true, 2, 2, 3, 1, A, new Float32Array(6) as unknown as Uint8Array, 0, C)).toThrow(
      /B must be a Uint8Array/,
    );
    expect(() => kn.gemm(false, false, -1, 2, 3, 1, A, A, 0, C)).toThrow(/M must be a non-negative integer/);
    expect(() => kn.gemm(false, false, 1.5, 2, 3, 1, A, A, 0, C)).toThrow(/M must be a non-negative integer/);
    expect(() => kn.biasActivation('softmax' as KernelActivation, C, C, C, 2, 2)).toThrow(/unknown activation/);
    expect(() => kn.rowSum(new Float32Array(1), C, 2, 2, 1)).toThrow(/out has 1 values/);
    expect(() => kn.adamStep(A, A, A, new Float32Array(2), 0.1, 0.9, 0.999, 0.1, 0.001, 1e-8, 6)).toThrow(
      /s has 2 values/,
    );
    // momentum without momentum does not need v
    kn.momentumStep(A, A, new Float32Array(0), 0.1, 0, 6);
  });
});

/** The addon's info() in a fresh process with the given environment (the env is read at load). */
function childInfo(env: Record<string, string>): { isa: string; threads: number; reason: string } {
  const script = 'console.log(JSON.stringify(require(process.argv[1]).info()))';
  const out = execFileSync(process.execPath, ['-e', script, kernelsAddonPath()], { env: { ...process.env, ...env } });
  return JSON.parse(out.toString());
}

describe.skipIf(!native)('native kernels: CATNET_ISA, CATNET_THREADS, worker threads', () => {
  it('CATNET_ISA forces each supported ISA; an unsupported or unknown one falls back with a reason', () => {
    for (const isa of isas) {
      const info = childInfo({ CATNET_ISA: isa });
      expect(info.isa).toBe(isa);
      expect(info.reason).toBe('');
    }
    for (const isa of ['neon', 'avx512', 'avx2', 'bogus'].filter((x) => !isas.includes(x as never))) {
      const info = childInfo({ CATNET_ISA: isa });
      expect(info.isa).toBe(isas[0]);
      expect(info.reason).toContain(`CATNET_ISA=${isa}`);
    }
  });

  it('CATNET_THREADS sets the thread count', () => {
    expect(childInfo({ CATNET_THREADS: '1' }).threads).toBe(1);
    expect(childInfo({ CATNET_THREADS: '3' }).threads).toBe(3);
  });

  it('loads in worker_threads and gives the same bits from three workers at once', async () => {
    setNativeIsa(defaultIsa);
    const [M, N, K] = [20, 209, 2000];
    const A = floats(M * K, 11);
    const B = bytes(N * K, 12);
    const expected = new Float32Array(M * N);
    native!.gemmU8(true, M, N, K, 1 / 255, A, B, 0, expected);
    const code = `
      const { parentPort, workerData: d } = require('node:worker_threads');
      const k = require(d.addon);
      const C = new Float32Array(d.M * d.N);
      for (let r = 0; r < 5; r++) k.gemmU8(true, d.M, d.N, d.K, 1 / 255, d.A, d.B, 0, C);
      parentPort.postMessage(C);`;
    const runs = [0, 1, 2].map(
      () =>
        new Promise<Float32Array>((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { addon: kernelsAddonPath(), M, N, K, A, B } });
          w.once('message', (C: Float32Array) => {
            resolve(C);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    );
    for (const C of await Promise.all(runs))
      expect(Buffer.from(C.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });
});
