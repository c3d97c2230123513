// An independent float64 network for engine tests: one example at a time, straight from the formulas
// (conv as a sum over the window, 2x2 max, flatten in (c, h, w) order, dense Z = W a + b), the cost
// J = (1/m) sum cross-entropy + (lambda / 2m) sum W^2, and central differences of either.
import type { Activation, NetworkConfig, Parameters } from '../../src-core/nn/model.js';
import type { Shape } from '../../src-core/nn/shapes.js';

export const g64: Record<Activation, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
};

/** Parameters as float64 arrays, in the slab's order: the names say which array of Parameters. */
export interface Params64 {
  convW: Float64Array[];
  convB: Float64Array[];
  W: Float64Array[];
  b: Float64Array[];
}

export function toParams64(p: Parameters): Params64 {
  const f = (a: Float32Array[] | undefined) => (a ?? []).map((v) => Float64Array.from(v));
  return { convW: f(p.convW), convB: f(p.convB), W: f(p.W), b: f(p.b) };
}

/** Yhat of one example; x: (h, w, c) HWC values (bytes / 255). */
export function forward64(config: NetworkConfig, p: Params64, x: ArrayLike<number>, image: Shape): number {
  let s = { ...image };
  // a (c, h, w)
  let a = new Float64Array(s.c * s.h * s.w);
  for (let c = 0; c < s.c; c++) for (let j = 0; j < s.h * s.w; j++) a[c * s.h * s.w + j] = x[j * s.c + c];
  let conv = 0;
  for (const f of config.features ?? []) {
    if (f.kind === 'pool') {
      const [ho, wo] = [Math.floor(s.h / 2), Math.floor(s.w / 2)];
      const next = new Float64Array(s.c * ho * wo);
      for (let c = 0; c < s.c; c++)
        for (let y = 0; y < ho; y++)
          for (let xx = 0; xx < wo; xx++) {
            const at = (dy: number, dx: number) => a[(c * s.h + 2 * y + dy) * s.w + 2 * xx + dx];
            next[(c * ho + y) * wo + xx] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
          }
      a = next;
      s = { c: s.c, h: ho, w: wo };
      continue;
    }
    const [W, b, k] = [p.convW[conv], p.convB[conv], f.size];
    const pad = (k - 1) / 2;
    const next = new Float64Array(f.filters * s.h * s.w);
    for (let o = 0; o < f.filters; o++)
      for (let y = 0; y < s.h; y++)
        for (let xx = 0; xx < s.w; xx++) {
          let z = b[o];
          for (let c = 0; c < s.c; c++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) {
                const [yy, xv] = [y + u - pad, xx + v - pad];
                if (yy >= 0 && yy < s.h && xv >= 0 && xv < s.w)
                  z += W[((o * s.c + c) * k + u) * k + v] * a[(c * s.h + yy) * s.w + xv];
              }
          next[(o * s.h + y) * s.w + xx] = g64[f.activation](z);
        }
    a = next;
    s = { c: f.filters, h: s.h, w: s.w };
    conv++;
  }
  if (!config.features?.length) a = Float64Array.from(x); // a dense-only net reads the HWC vector
  const dims = config.layerDims;
  for (let l = 1; l < dims.length; l++) {
    const next = new Float64Array(dims[l]);
    for (let i = 0; i < dims[l]; i++) {
      let z = p.b[l - 1][i];
      for (let j = 0; j < dims[l - 1]; j++) z += p.W[l - 1][i * dims[l - 1] + j] * a[j];
      next[i] = g64[config.activations[l - 1]](z);
    }
    a = next;
  }
  return a[0];
}

/** J = (1/m) sum cross-entropy + (lambda / 2m) sum of every W^2 (dense and conv), in float64. */
export function cost64(
  config: NetworkConfig,
  p: Params64,
  X: Uint8Array,
  Y: Float32Array,
  m: number,
  lambda: number,
  image: Shape,
): number {
  const n = X.length / m;
  let J = 0;
  for (let i = 0; i < m; i++) {
    const x = Array.from(X.subarray(i * n, (i + 1) * n), (v) => v / 255);
    const a = forward64(config, p, x, image);
    J += -(Y[i] * Math.log(a) + (1 - Y[i]) * Math.log(1 - a));
  }
  J /= m;
  let squares = 0;
  for (const W of [...p.convW, ...p.W]) for (const w of W) squares += w * w;
  return J + (lambda / (2 * m)) * squares;
}

/** (f(theta + h) - f(theta - h)) / 2h, nudging theta[i] in place and putting it back. */
export function centralDifference(theta: Float64Array | number[], i: number, f: () => number, h = 1e-6): number {
  const keep = theta[i];
  theta[i] = keep + h;
  const up = f();
  theta[i] = keep - h;
  const down = f();
  theta[i] = keep;
  return (up - down) / (2 * h);
}
