// The reference kernels against independent oracles: a naive matrix product on explicit
// (row, column) indexing, central finite differences for derivatives, closed forms for the cost.
import { describe, expect, it } from 'vitest';
import { activationDerivative, activationForward } from '../../../src-core/kernels/activations.js';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { ACTIVATIONS, LEAKY_SLOPE } from '../../../src-core/nn/model.js';

const k = referenceKernels({ reason: 'test' });

/** Deterministic pseudo-random floats in [-1, 1). */
function randomArray(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Element (r, c) of a row-major matrix with `cols` columns. */
const at = (X: ArrayLike<number>, cols: number, r: number, c: number) => X[r * cols + c];

/** Naive C = alpha op(A) op(B) + beta C0 in float64, written from the definition of op(). */
function naiveGemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  beta: number,
  C0: ArrayLike<number>,
): Float64Array {
  const opA = (i: number, kk: number) => (transA ? at(A, M, kk, i) : at(A, K, i, kk));
  const opB = (kk: number, j: number) => (transB ? at(B, K, j, kk) : at(B, N, kk, j));
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let kk = 0; kk < K; kk++) s += opA(i, kk) * opB(kk, j);
      C[i * N + j] = alpha * s + (beta === 0 ? 0 : beta * C0[i * N + j]);
    }
  return C;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (err > tol * (1 + Math.abs(expected[i]))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

describe('gemm', () => {
  const shapes = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 1, 9],
    [1, 13, 31],
    [19, 23, 5],
  ];
  for (const transA of [false, true])
    for (const transB of [false, true])
      for (const [M, N, K] of shapes)
        it(`transA=${transA} transB=${transB} M=${M} N=${N} K=${K}`, () => {
          const A = randomArray(M * K, 1 + M);
          const B = randomArray(K * N, 7 + N);
          const C0 = randomArray(M * N, 3 + K);
          for (const [alpha, beta] of [
            [1, 0],
            [0.5, 1],
            [-2, 0.25],
          ]) {
            const C = C0.slice();
            k.gemm(transA, transB, M, N, K, alpha, A, B, beta, C);
            expectClose(C, naiveGemm(transA, transB, M, N, K, alpha, A, B, beta, C0), 1e-5);
          }
        });

  it('beta = 0 overwrites C even when it holds NaN', () => {
    const A = randomArray(6, 1);
    const B = randomArray(6, 2);
    const C = new Float32Array(4).fill(Number.NaN);
    k.gemm(false, false, 2, 2, 3, 1, A, B, 0, C);
    for (const c of C) expect(Number.isFinite(c)).toBe(true);
  });

  it('works on subarray views', () => {
    const buf = randomArray(100, 5);
    const A = buf.subarray(10, 10 + 12); // (3, 4)
    const B = buf.subarray(40, 40 + 8); // (4, 2)
    const C = new Float32Array(10).subarray(2, 8); // (3, 2)
    k.gemm(false, false, 3, 2, 4, 1, A, B, 0, C);
    expectClose(C, naiveGemm(false, false, 3, 2, 4, 1, A, B, 0, C), 1e-6);
  });
});

describe('gemmU8', () => {
  for (const transB of [false, true])
    for (const [M, N, K] of [
      [1, 1, 1],
      [3, 7, 5],
      [7, 11, 33],
    ])
      it(`equals gemm on the float copy of the bytes (transB=${transB}, ${M}x${N}x${K})`, () => {
        const A = randomArray(M * K, 11);
        const bytes = new Uint8Array(K * N);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) % 256;
        const C0 = randomArray(M * N, 12);
        for (const [alpha, beta] of [
          [1 / 255, 0],
          [1 / 255, 1],
        ]) {
          const C = C0.slice();
          const expected = C0.slice();
          k.gemmU8(transB, M, N, K, alpha, A, bytes, beta, C);
          k.gemm(false, transB, M, N, K, alpha, A, Float32Array.from(bytes), beta, expected);
          expectClose(C, expected, 1e-6);
          expectClose(C, naiveGemm(false, transB, M, N, K, alpha, A, bytes, beta, C0), 1e-5);
        }
      });
});

describe('activations', () => {
  const zs = [-3, -1.2, -0.3, -0.01, 0.02, 0.4, 1.5, 3.5];
  const h = 1e-3;
  for (const kind of ACTIVATIONS)
    it(`${kind}: g'(z) matches the central difference (g(z + h) - g(z - h)) / 2h`, () => {
      for (const z of zs) {
        const numeric = (activationForward(kind, z + h) - activationForward(kind, z - h)) / (2 * h);
        const analytic = activationDerivative(kind, z, activationForward(kind, z));
        expect(Math.abs(numeric - analytic)).toBeLessThan(1e-5);
      }
    });

  it('known values', () => {
    expect(activationForward('sigmoid', 0)).toBe(0.5);
    expect(activationForward('sigmoid', -1000)).toBe(0);
    expect(activationForward('sigmoid', 1000)).toBe(1);
    expect(activationForward('tanh', 0.5)).toBeCloseTo(Math.tanh(0.5), 15);
    expect(activationForward('relu', -2)).toBe(0);
    expect(activationForward('leaky_relu', -2)).toBeCloseTo(-2 * LEAKY_SLOPE, 15);
  });

  for (const kind of [...ACTIVATIONS, 'identity' as const])
    it(`biasActivation(${kind}) adds b per row then applies g; activationBackward multiplies by g'`, () => {
      const n = 3;
      const m = 5;
      const Z0 = randomArray(n * m, 21).map((v) => v * 4);
      const b = randomArray(n, 22);
      const Z = Z0.slice();
      const A = new Float32Array(n * m);
      k.biasActivation(kind, Z, A, b, n, m);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++) {
          const z = Math.fround(Z0[i * m + j] + b[i]);
          expect(Z[i * m + j]).toBe(z);
          const g = kind === 'identity' ? z : activationForward(kind, z);
          expect(A[i * m + j]).toBeCloseTo(g, 6);
        }
      if (kind === 'identity') return;
      const dA = randomArray(n * m, 23);
      const dZ = new Float32Array(n * m);
      k.activationBackward(kind, dZ, dA, Z, A, n * m);
      for (let i = 0; i < n * m; i++) {
        const numeric = (activationForward(kind, Z[i] + h) - activationForward(kind, Z[i] - h)) / (2 * h);
        expect(dZ[i]).toBeCloseTo(dA[i] * numeric, 4);
      }
    });
});

describe('sigmoidCrossEntropy', () => {
  it('equals -y log a - (1 - y) log(1 - a) for moderate logits, with A and dZ = A - Y', () => {
    const Z = Float32Array.from([-4, -0.5, 0, 0.3, 2.5, 6]);
    const Y = Float32Array.from([0, 1, 1, 0, 1, 0]);
    const A = new Float32Array(6);
    const dZ = new Float32Array(6);
    const cost = k.sigmoidCrossEntropy(Z, Y, 6, A, dZ);
    let expected = 0;
    for (let i = 0; i < 6; i++) {
      const a = 1 / (1 + Math.exp(-Z[i]));
      expected += -Y[i] * Math.log(a) - (1 - Y[i]) * Math.log(1 - a);
      expect(A[i]).toBeCloseTo(a, 6);
      expect(dZ[i]).toBeCloseTo(a - Y[i], 6);
    }
    expect(cost).toBeCloseTo(expected, 5);
  });

  it('is finite and exact at logits +-1000 (where a naive log(sigmoid) gives Infinity)', () => {
    const Z = Float32Array.from([1000, -1000, 1000, -1000]);
    const Y = Float32Array.from([1, 0, 0, 1]);
    const dZ = new Float32Array(4);
    const cost = k.sigmoidCrossEntropy(Z, Y, 4, null, dZ);
    // Right answers cost ~0; a wrong answer at |z| = 1000 costs exactly |z| (log(1 + e^1000) = 1000 + tiny).
    expect(Number.isFinite(cost)).toBe(true);
    expect(cost).toBeCloseTo(2000, 9);
    expect(Array.from(dZ)).toEqual([0, 0, 1, -1]);
  });

  it('matches the derivative of the cost w.r.t. the logits (dZ = A - Y) by finite differences', () => {
    const Z = Float32Array.from([-2, 0.7, 3]);
    const Y = Float32Array.from([1, 0, 1]);
    const dZ = new Float32Array(3);
    k.sigmoidCrossEntropy(Z, Y, 3, null, dZ);
    const h = 1e-2;
    for (let i = 0; i < 3; i++) {
      const up = Z.slice();
      const down = Z.slice();
      up[i] += h;
      down[i] -= h;
      const numeric =
        (k.sigmoidCrossEntropy(up, Y, 3, null, null) - k.sigmoidCrossEntropy(down, Y, 3, null, null)) / (2 * h);
      expect(dZ[i]).toBeCloseTo(numeric, 4);
    }
  });
});

describe('reductions and optimiser steps', () => {
  it('rowSum: db = scale * sum over columns', () => {
    const X = Float32Array.from([1, 2, 3, 4, 5, 6]); // (2, 3)
    const out = new Float32Array(2);
    k.rowSum(out, X, 2, 3, 0.5);
    expect(Array.from(out)).toEqual([3, 7.5]);
  });

  it('axpy', () => {
    const y = Float32Array.from([1, 2, 3]);
    k.axpy(y, Float32Array.from([1, 1, 2]), -0.5, 3);
    expect(Array.from(y)).toEqual([0.5, 1.5, 2]);
  });

  it('momentumStep with beta = 0 is gradient descent and leaves v alone; with beta it averages', () => {
    const p = Float32Array.from([1, 1]);
    const v = Float32Array.from([9, 9]);
    k.momentumStep(p, Float32Array.from([2, -4]), v, 0.25, 0, 2);
    expect(Array.from(p)).toEqual([0.5, 2]);
    expect(Array.from(v)).toEqual([9, 9]);
    const v2 = Float32Array.from([1, 0]);
    const p2 = Float32Array.from([0, 0]);
    k.momentumStep(p2, Float32Array.from([2, 2]), v2, 1, 0.5, 2);
    expect(Array.from(v2)).toEqual([1.5, 1]);
    expect(Array.from(p2)).toEqual([-1.5, -1]);
  });

  it('adamStep: first step moves each parameter by lr * sign(g) (bias-corrected)', () => {
    const p = Float32Array.from([0, 0, 0]);
    const v = new Float32Array(3);
    const s = new Float32Array(3);
    const b1 = 0.9;
    const b2 = 0.999;
    k.adamStep(p, Float32Array.from([3, -0.2, 0]), v, s, 0.01, b1, b2, 1 - b1, 1 - b2, 1e-8, 3);
    expect(p[0]).toBeCloseTo(-0.01, 6);
    expect(p[1]).toBeCloseTo(0.01, 6);
    expect(p[2]).toBe(0);
    expect(v[0]).toBeCloseTo(0.3, 6);
    expect(s[0]).toBeCloseTo(0.009, 6);
  });
});
