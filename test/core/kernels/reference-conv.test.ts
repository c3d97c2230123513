// The reference convolution and pooling kernels against independent oracles: backward kernels against
// finite differences of the forward kernels (the course's "nudge" on every input and weight), and the
// byte forms against the float forms on x / 255.

import { describe, expect, it } from 'vitest';
import type { ConvShape } from '../../../src-core/kernels/kernels.js';
import {
  conv2dBackwardData,
  conv2dBackwardWeights,
  conv2dBackwardWeightsU8,
  conv2dForward,
  conv2dForwardU8,
  maxPool2Backward,
  maxPool2Forward,
} from '../../../src-core/kernels/reference-conv.js';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

const shapes: ConvShape[] = [
  { m: 2, c_in: 3, h: 5, w: 4, c_out: 2, k: 3 },
  { m: 1, c_in: 2, h: 6, w: 7, c_out: 3, k: 5 },
  { m: 2, c_in: 1, h: 3, w: 3, c_out: 1, k: 1 },
];

/** J = sum(G * conv(Aprev, W) + b) for a fixed upstream gradient G: dJ/dZ = G. */
function objective(s: ConvShape, Aprev: Float32Array, W: Float32Array, b: Float32Array, G: Float32Array): number {
  const n = s.m * s.c_out * s.h * s.w;
  const Z = new Float32Array(n);
  conv2dForward('identity', Z, Z, Aprev, W, b, s);
  let J = 0;
  for (let i = 0; i < n; i++) J += G[i] * Z[i];
  return J;
}

describe('reference conv2d', () => {
  it.each(shapes)('backward matches finite differences on %o', (s) => {
    const Aprev = values(s.m * s.c_in * s.h * s.w, 1);
    const W = values(s.c_out * s.c_in * s.k * s.k, 2);
    const b = values(s.c_out, 3);
    const G = values(s.m * s.c_out * s.h * s.w, 4);
    const dAprev = new Float32Array(Aprev.length);
    const dW = new Float32Array(W.length);
    const db = new Float32Array(b.length);
    conv2dBackwardData(dAprev, G, W, s);
    conv2dBackwardWeights(dW, db, G, Aprev, 1, s);
    // J is linear in each argument, so a central difference with a large nudge is exact up to rounding.
    const eps = 0.25;
    const nudge = (x: Float32Array, i: number) => {
      const keep = x[i];
      x[i] = keep + eps;
      const plus = objective(s, Aprev, W, b, G);
      x[i] = keep - eps;
      const minus = objective(s, Aprev, W, b, G);
      x[i] = keep;
      return (plus - minus) / (2 * eps);
    };
    for (let i = 0; i < Aprev.length; i++) expect(dAprev[i]).toBeCloseTo(nudge(Aprev, i), 4);
    for (let i = 0; i < W.length; i++) expect(dW[i]).toBeCloseTo(nudge(W, i), 4);
    for (let i = 0; i < b.length; i++) expect(db[i]).toBeCloseTo(nudge(b, i), 4);
  });

  it('reads image bytes (m, h, w, c) as the float input (m, c, h, w) times xScale', () => {
    const s: ConvShape = { m: 2, c_in: 3, h: 4, w: 5, c_out: 2, k: 3 };
    const X = Uint8Array.from({ length: s.m * s.h * s.w * s.c_in }, (_, i) => (i * 37) % 256);
    const Aprev = new Float32Array(X.length);
    for (let i = 0; i < s.m; i++)
      for (let c = 0; c < s.c_in; c++)
        for (let y = 0; y < s.h; y++)
          for (let x = 0; x < s.w; x++)
            Aprev[((i * s.c_in + c) * s.h + y) * s.w + x] = X[((i * s.h + y) * s.w + x) * s.c_in + c] / 255;
    const W = values(s.c_out * s.c_in * 9, 5);
    const b = values(s.c_out, 6);
    const n = s.m * s.c_out * s.h * s.w;
    const [Zf, Af, Zb, Ab] = [0, 1, 2, 3].map(() => new Float32Array(n));
    conv2dForward('relu', Zf, Af, Aprev, W, b, s);
    conv2dForwardU8('relu', Zb, Ab, X, 1 / 255, W, b, s);
    for (let i = 0; i < n; i++) expect(Zb[i]).toBeCloseTo(Zf[i], 5);
    for (let i = 0; i < n; i++) expect(Ab[i]).toBe(Math.max(Zb[i], 0));
    const G = values(n, 7);
    const [dWf, dWb] = [new Float32Array(W.length), new Float32Array(W.length)];
    const [dbf, dbb] = [new Float32Array(2), new Float32Array(2)];
    conv2dBackwardWeights(dWf, dbf, G, Aprev, 0.5, s);
    conv2dBackwardWeightsU8(dWb, dbb, G, X, 1 / 255, 0.5, s);
    for (let i = 0; i < W.length; i++) expect(dWb[i]).toBeCloseTo(dWf[i], 5);
    expect(Array.from(dbb)).toEqual(Array.from(dbf));
  });
});

describe('reference 2x2 max-pooling', () => {
  it('takes each window maximum and routes the gradient to its first maximum', () => {
    // One plane of 3 x 5: the odd last row and column are dropped. The second window has a tie.
    const Aprev = Float32Array.from([1, 5, 2, 2, 9, 3, -1, 2, 0, 9, 7, 7, 7, 7, 7]);
    const A = new Float32Array(2);
    maxPool2Forward(A, Aprev, 1, 3, 5);
    expect(Array.from(A)).toEqual([5, 2]);
    const dAprev = new Float32Array(15).fill(42);
    maxPool2Backward(dAprev, Float32Array.from([10, 20]), Aprev, A, 1, 3, 5);
    expect(Array.from(dAprev)).toEqual([0, 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
