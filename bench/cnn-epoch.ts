// One training epoch of the small CNN of the convolutional-nets table, driven straight through the
// Kernels contract (no Network class): conv3x3 3->16 @64x64 (on the image bytes), pool, conv 16->32
// @32x32, pool, conv 32->64 @16x16, pool, dense 4096->64 (ReLU) -> 1 (sigmoid cross-entropy), Adam,
// mini-batches with random flip and shift (reflect padding, up to 4 px). The same net and schedule
// as bench/peers/conv_torch.py. Every buffer is allocated once, before the timed epoch.

import type { ConvShape, Kernels } from '../src-core/kernels/kernels.js';

export const IMAGE = 64;
export const SHIFT = 4;
const CHANNELS = [3, 16, 32, 64];
const HIDDEN = 64;

/** Multiply-adds x 2 of one example's forward + backward pass (no backward data for the first conv). */
export function cnnFlopPerExample(): number {
  let flop = 0;
  let side = IMAGE;
  for (let l = 1; l < CHANNELS.length; l++) {
    const macs = side * side * CHANNELS[l] * CHANNELS[l - 1] * 9;
    flop += 2 * macs * (l === 1 ? 2 : 3);
    side /= 2;
  }
  const dense = side * side * CHANNELS[3] * HIDDEN + HIDDEN;
  return flop + 2 * dense * 3;
}

/** Seeded xorshift32 in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Index into [0, n) with reflection at both ends (the peer's reflect padding), for |i| < n. */
const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);

/**
 * Writes image `src` of `pixels` (HWC bytes) into `out` at example `at`: flipped left-right when
 * `flip`, shifted by (dy, dx) with reflected borders.
 */
export function augment(
  out: Uint8Array,
  at: number,
  pixels: Uint8Array,
  src: number,
  flip: boolean,
  dy: number,
  dx: number,
) {
  const row = IMAGE * 3;
  const from = src * IMAGE * row;
  const to = at * IMAGE * row;
  for (let y = 0; y < IMAGE; y++) {
    const sy = from + reflect(y + dy, IMAGE) * row;
    const ty = to + y * row;
    for (let x = 0; x < IMAGE; x++) {
      const sx = reflect((flip ? IMAGE - 1 - x : x) + dx, IMAGE);
      const s = sy + sx * 3;
      const t = ty + x * 3;
      out[t] = pixels[s];
      out[t + 1] = pixels[s + 1];
      out[t + 2] = pixels[s + 2];
    }
  }
}

interface Param {
  value: Float32Array;
  grad: Float32Array;
  v: Float32Array;
  s: Float32Array;
}

function param(size: number, fanIn: number, r: () => number, zero = false): Param {
  const value = new Float32Array(size);
  const scale = Math.sqrt(2 / fanIn);
  if (!zero) for (let i = 0; i < size; i++) value[i] = scale * (2 * r() - 1) * Math.sqrt(3);
  return { value, grad: new Float32Array(size), v: new Float32Array(size), s: new Float32Array(size) };
}

/** The CNN with its parameters and every per-batch buffer, for batches of `m`. */
export function cnnTrainer(k: Kernels, m: number, seed = 1) {
  const r = stream(seed);
  const conv: ConvShape[] = [];
  let side = IMAGE;
  for (let l = 1; l < CHANNELS.length; l++) {
    conv.push({ m, c_in: CHANNELS[l - 1], h: side, w: side, c_out: CHANNELS[l], k: 3 });
    side /= 2;
  }
  const flat = side * side * CHANNELS[3];
  const W = conv.map((s) => param(s.c_out * s.c_in * 9, s.c_in * 9, r));
  const b = conv.map((s) => param(s.c_out, 1, r, true));
  const W4 = param(HIDDEN * flat, flat, r);
  const b4 = param(HIDDEN, 1, r, true);
  const W5 = param(HIDDEN, HIDDEN, r);
  const b5 = param(1, 1, r, true);
  const params = [...W, ...b, W4, b4, W5, b5];
  const size = (s: ConvShape) => s.m * s.c_out * s.h * s.w;
  const Z = conv.map((s) => new Float32Array(size(s)));
  const A = conv.map((s) => new Float32Array(size(s)));
  const P = conv.map((s) => new Float32Array(size(s) / 4)); // pooled outputs
  const dZ = conv.map((s) => new Float32Array(size(s)));
  const dP = conv.map((s) => new Float32Array(size(s) / 4));
  const X = new Uint8Array(m * IMAGE * IMAGE * 3);
  const Y = new Float32Array(m);
  const [Z4, A4, dZ4] = [0, 0, 0].map(() => new Float32Array(HIDDEN * m));
  const [Z5, A5, dZ5] = [0, 0, 0].map(() => new Float32Array(m));
  let t = 0;

  /** One step on the batch in X, Y; returns the summed cost. */
  function step(lr: number): number {
    k.conv2dForwardU8('relu', Z[0], A[0], X, 1 / 255, W[0].value, b[0].value, conv[0]);
    for (let l = 0; l < 3; l++) {
      const s = conv[l];
      if (l > 0) k.conv2dForward('relu', Z[l], A[l], P[l - 1], W[l].value, b[l].value, s);
      k.maxPool2Forward(P[l], A[l], m * s.c_out, s.h, s.w);
    }
    k.gemm(false, true, HIDDEN, m, flat, 1, W4.value, P[2], 0, Z4);
    k.biasActivation('relu', Z4, A4, b4.value, HIDDEN, m);
    k.gemm(false, false, 1, m, HIDDEN, 1, W5.value, A4, 0, Z5);
    k.biasActivation('identity', Z5, Z5, b5.value, 1, m);
    const cost = k.sigmoidCrossEntropy(Z5, Y, m, A5, dZ5);
    k.gemm(false, true, 1, HIDDEN, m, 1 / m, dZ5, A4, 0, W5.grad);
    k.rowSum(b5.grad, dZ5, 1, m, 1 / m);
    k.gemm(true, false, HIDDEN, m, 1, 1, W5.value, dZ5, 0, A4); // A4 now holds dA4
    k.activationBackward('relu', dZ4, A4, Z4, Z4, HIDDEN * m);
    k.gemm(false, false, HIDDEN, flat, m, 1 / m, dZ4, P[2], 0, W4.grad);
    k.rowSum(b4.grad, dZ4, HIDDEN, m, 1 / m);
    k.gemm(true, false, m, flat, HIDDEN, 1, dZ4, W4.value, 0, dP[2]);
    for (let l = 2; l >= 0; l--) {
      const s = conv[l];
      k.maxPool2Backward(dZ[l], dP[l], A[l], P[l], m * s.c_out, s.h, s.w); // dZ[l] holds dA first
      k.activationBackward('relu', dZ[l], dZ[l], Z[l], A[l], size(s));
      if (l === 0) {
        k.conv2dBackwardWeightsU8(W[0].grad, b[0].grad, dZ[0], X, 1 / 255, 1 / m, s);
      } else {
        k.conv2dBackwardWeights(W[l].grad, b[l].grad, dZ[l], P[l - 1], 1 / m, s);
        k.conv2dBackwardData(dP[l - 1], dZ[l], W[l].value, s);
      }
    }
    t++;
    const [b1, b2] = [0.9, 0.999];
    for (const p of params)
      k.adamStep(p.value, p.grad, p.v, p.s, lr, b1, b2, 1 - b1 ** t, 1 - b2 ** t, 1e-8, p.value.length);
    return cost;
  }

  /** One epoch over `pixels` (n images, HWC bytes) with labels, shuffled and augmented; returns the mean cost. */
  function epoch(pixels: Uint8Array, labels: Float32Array, n: number, lr = 1e-3): number {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let cost = 0;
    for (let start = 0; start + m <= n; start += m) {
      for (let i = 0; i < m; i++) {
        const src = order[start + i];
        const shift = () => Math.floor(r() * (2 * SHIFT + 1)) - SHIFT;
        augment(X, i, pixels, src, r() < 0.5, shift(), shift());
        Y[i] = labels[src];
      }
      cost += step(lr);
    }
    return cost / (Math.floor(n / m) * m);
  }

  return { conv, step, epoch, X, Y };
}

/** `n` deterministic 64x64x3 images (smooth random blobs, class-dependent brightness) and labels. */
export function syntheticImages(n: number, seed = 7): { pixels: Uint8Array; labels: Float32Array } {
  const r = stream(seed);
  const pixels = new Uint8Array(n * IMAGE * IMAGE * 3);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = r() < 0.5 ? 1 : 0;
    const [fx, fy, base] = [1 + 4 * r(), 1 + 4 * r(), labels[i] ? 150 : 100];
    for (let p = 0; p < IMAGE * IMAGE * 3; p++) {
      const x = (p / 3) % IMAGE;
      const y = Math.floor(p / 3 / IMAGE);
      pixels[i * IMAGE * IMAGE * 3 + p] = Math.max(
        0,
        Math.min(255, base + 60 * Math.sin(fx * x * 0.1 + fy * y * 0.1) + 40 * r()),
      );
    }
  }
  return { pixels, labels };
}
