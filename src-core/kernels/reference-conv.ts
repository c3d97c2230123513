// The reference convolution and pooling kernels: the naive loops that define conv2d and 2x2 max-pooling
// in kernels.ts (the formulas are written there; these loops are them, term by term). Sums run in
// float64 and are rounded once on the store. Nothing here is fast; the native addon must match it.

import { activationForward } from './activations.js';
import type { ConvShape, KernelActivation } from './kernels.js';

/** The value of the input at (i, c, y, x), 0 outside the image: how one conv reads its input. */
type Input = (i: number, c: number, y: number, x: number) => number;

function forward(
  kind: KernelActivation,
  Z: Float32Array,
  A: Float32Array,
  input: Input,
  W: Float32Array,
  b: Float32Array,
  s: ConvShape,
): void {
  const { m, c_in, h, w, c_out, k } = s;
  const p = (k - 1) / 2;
  for (let i = 0; i < m; i++) {
    for (let o = 0; o < c_out; o++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let sum = 0;
          for (let c = 0; c < c_in; c++) {
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++)
                sum += W[((o * c_in + c) * k + u) * k + v] * input(i, c, y + u - p, x + v - p);
            }
          }
          const at = ((i * c_out + o) * h + y) * w + x;
          const z = Math.fround(Math.fround(sum) + b[o]);
          Z[at] = z;
          A[at] = kind === 'identity' ? z : activationForward(kind, z);
        }
      }
    }
  }
}

function backwardWeights(
  dW: Float32Array,
  db: Float32Array,
  dZ: Float32Array,
  input: Input,
  scale: number,
  s: ConvShape,
): void {
  const { m, c_in, h, w, c_out, k } = s;
  const p = (k - 1) / 2;
  for (let o = 0; o < c_out; o++) {
    for (let c = 0; c < c_in; c++) {
      for (let u = 0; u < k; u++) {
        for (let v = 0; v < k; v++) {
          let sum = 0;
          for (let i = 0; i < m; i++) {
            for (let y = 0; y < h; y++) {
              for (let x = 0; x < w; x++)
                sum += dZ[((i * c_out + o) * h + y) * w + x] * input(i, c, y + u - p, x + v - p);
            }
          }
          dW[((o * c_in + c) * k + u) * k + v] = scale * sum;
        }
      }
    }
    let sum = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < h * w; j++) sum += dZ[(i * c_out + o) * h * w + j];
    db[o] = scale * sum;
  }
}

/** Aprev (m, c_in, h, w) as an Input. */
function floatInput(Aprev: Float32Array, s: ConvShape): Input {
  const { c_in, h, w } = s;
  return (i, c, y, x) => (y < 0 || y >= h || x < 0 || x >= w ? 0 : Aprev[((i * c_in + c) * h + y) * w + x]);
}

/** Image bytes X (m, h, w, c_in) HWC, times xScale, as an Input. */
function byteInput(X: Uint8Array, xScale: number, s: ConvShape): Input {
  const { c_in, h, w } = s;
  return (i, c, y, x) => (y < 0 || y >= h || x < 0 || x >= w ? 0 : xScale * X[((i * h + y) * w + x) * c_in + c]);
}

export function conv2dForward(
  kind: KernelActivation,
  Z: Float32Array,
  A: Float32Array,
  Aprev: Float32Array,
  W: Float32Array,
  b: Float32Array,
  s: ConvShape,
): void {
  forward(kind, Z, A, floatInput(Aprev, s), W, b, s);
}

export function conv2dForwardU8(
  kind: KernelActivation,
  Z: Float32Array,
  A: Float32Array,
  X: Uint8Array,
  xScale: number,
  W: Float32Array,
  b: Float32Array,
  s: ConvShape,
): void {
  forward(kind, Z, A, byteInput(X, xScale, s), W, b, s);
}

export function conv2dBackwardData(dAprev: Float32Array, dZ: Float32Array, W: Float32Array, s: ConvShape): void {
  const { m, c_in, h, w, c_out, k } = s;
  const p = (k - 1) / 2;
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < c_in; c++) {
      for (let yp = 0; yp < h; yp++) {
        for (let xp = 0; xp < w; xp++) {
          let sum = 0;
          for (let o = 0; o < c_out; o++) {
            for (let u = 0; u < k; u++) {
              const y = yp - u + p;
              if (y < 0 || y >= h) continue;
              for (let v = 0; v < k; v++) {
                const x = xp - v + p;
                if (x < 0 || x >= w) continue;
                sum += W[((o * c_in + c) * k + u) * k + v] * dZ[((i * c_out + o) * h + y) * w + x];
              }
            }
          }
          dAprev[((i * c_in + c) * h + yp) * w + xp] = sum;
        }
      }
    }
  }
}

export function conv2dBackwardWeights(
  dW: Float32Array,
  db: Float32Array,
  dZ: Float32Array,
  Aprev: Float32Array,
  scale: number,
  s: ConvShape,
): void {
  backwardWeights(dW, db, dZ, floatInput(Aprev, s), scale, s);
}

export function conv2dBackwardWeightsU8(
  dW: Float32Array,
  db: Float32Array,
  dZ: Float32Array,
  X: Uint8Array,
  xScale: number,
  scale: number,
  s: ConvShape,
): void {
  backwardWeights(dW, db, dZ, byteInput(X, xScale, s), scale, s);
}

/** The window's positions in the order maxPool2Backward searches them. */
const WINDOW: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

export function maxPool2Forward(A: Float32Array, Aprev: Float32Array, planes: number, h: number, w: number): void {
  const [ho, wo] = [Math.floor(h / 2), Math.floor(w / 2)];
  for (let q = 0; q < planes; q++) {
    for (let y = 0; y < ho; y++) {
      for (let x = 0; x < wo; x++) {
        let max = Number.NEGATIVE_INFINITY;
        for (const [dy, dx] of WINDOW) max = Math.max(max, Aprev[(q * h + 2 * y + dy) * w + 2 * x + dx]);
        A[(q * ho + y) * wo + x] = max;
      }
    }
  }
}

export function maxPool2Backward(
  dAprev: Float32Array,
  dA: Float32Array,
  Aprev: Float32Array,
  A: Float32Array,
  planes: number,
  h: number,
  w: number,
): void {
  const [ho, wo] = [Math.floor(h / 2), Math.floor(w / 2)];
  dAprev.fill(0, 0, planes * h * w);
  for (let q = 0; q < planes; q++) {
    for (let y = 0; y < ho; y++) {
      for (let x = 0; x < wo; x++) {
        const out = (q * ho + y) * wo + x;
        for (const [dy, dx] of WINDOW) {
          const at = (q * h + 2 * y + dy) * w + 2 * x + dx;
          if (Aprev[at] === A[out]) {
            dAprev[at] = dA[out];
            break;
          }
        }
      }
    }
  }
}
