// The network's forward pass and gradients against an independent float64 oracle written here:
// per-example forward propagation, the cross-entropy cost, and central finite differences of it.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { networkConfig } from '../../../src-core/nn/config.js';
import { initializeParameters } from '../../../src-core/nn/init.js';
import { ACTIVATIONS, type Activation, type NetworkConfig, type Parameters } from '../../../src-core/nn/model.js';
import { Network } from '../../../src-core/nn/network.js';

const kernels = referenceKernels();

const g64: Record<Activation, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
};

/** Parameters as float64 arrays, indexed like the network's. */
type Params64 = { W: Float64Array[]; b: Float64Array[] };

function toParams64(p: Parameters): Params64 {
  return { W: p.W.map((w) => Float64Array.from(w)), b: p.b.map((v) => Float64Array.from(v)) };
}

/** A[L] of one example x (bytes) in float64. */
function forward64(config: NetworkConfig, p: Params64, x: Uint8Array): number {
  const dims = config.layerDims;
  let a = Array.from(x, (v) => v / 255);
  for (let l = 1; l < dims.length; l++) {
    const next: number[] = [];
    for (let i = 0; i < dims[l]; i++) {
      let z = p.b[l - 1][i];
      for (let j = 0; j < dims[l - 1]; j++) z += p.W[l - 1][i * dims[l - 1] + j] * a[j];
      next.push(g64[config.activations[l - 1]](z));
    }
    a = next;
  }
  return a[0];
}

/** J = (1/m) sum cross-entropy + lambda/(2m) sum W^2, in float64. */
function cost64(config: NetworkConfig, p: Params64, X: Uint8Array, Y: Float32Array, m: number, lambda: number): number {
  const n_x = config.layerDims[0];
  let J = 0;
  for (let i = 0; i < m; i++) {
    const a = forward64(config, p, X.subarray(i * n_x, (i + 1) * n_x));
    J += -(Y[i] * Math.log(a) + (1 - Y[i]) * Math.log(1 - a));
  }
  J /= m;
  let squares = 0;
  for (const W of p.W) for (const w of W) squares += w * w;
  return J + (lambda / (2 * m)) * squares;
}

function testData(n_x: number, m: number, seed: number): { X: Uint8Array; Y: Float32Array } {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  const X = Uint8Array.from({ length: m * n_x }, () => next() % 256);
  const Y = Float32Array.from({ length: m }, (_, i) => (i % 3 === 0 ? 1 : next() % 2));
  return { X, Y };
}

function makeNetwork(hidden: number[], activation: Activation, n_x: number, m: number, seed: number): Network {
  const net = new Network(networkConfig(hidden, activation, n_x), m, kernels);
  initializeParameters(net.params, net.layerDims, 'he', seed);
  // Non-zero biases so every term of db matters.
  net.params.b.forEach((b, l) => {
    for (let i = 0; i < b.length; i++) b[i] = 0.1 * Math.sin(7 * i + l);
  });
  return net;
}

describe('Network', () => {
  const cases: [string, number[], Activation][] = [
    ['logistic regression', [], 'relu'],
    ...ACTIVATIONS.map((a): [string, number[], Activation] => [`[6, 5, 4, 1] ${a}`, [5, 4], a]),
  ];
  for (const [name, hidden, activation] of cases)
    for (const lambda of [0, 0.7])
      it(`${name}, lambda ${lambda}: gradients match central differences of a float64 cost`, () => {
        const n_x = 6;
        const m = 9;
        const net = makeNetwork(hidden, activation, n_x, m, 5);
        const { X, Y } = testData(n_x, m, 11);
        const J = net.forwardCost(X, Y, m, lambda);
        net.backward(X, m, lambda);
        const p = toParams64(net.params);
        expect(J).toBeCloseTo(cost64(net.config, p, X, Y, m, lambda), 5);

        const h = 1e-6;
        let checked = 0;
        for (const [which, grads] of [
          ['W', net.grads.dW],
          ['b', net.grads.db],
        ] as const)
          grads.forEach((grad, li) => {
            const theta = p[which][li];
            for (let i = 0; i < theta.length; i++) {
              const keep = theta[i];
              theta[i] = keep + h;
              const up = cost64(net.config, p, X, Y, m, lambda);
              theta[i] = keep - h;
              const down = cost64(net.config, p, X, Y, m, lambda);
              theta[i] = keep;
              const numeric = (up - down) / (2 * h);
              if (Math.abs(grad[i] - numeric) > 1e-5 + 1e-3 * Math.abs(numeric)) {
                throw new Error(`d${which}[${li + 1}][${i}]: backward ${grad[i]}, finite difference ${numeric}`);
              }
              checked++;
            }
          });
        expect(checked).toBe(net.paramSlab.length);
      });

  it('forward equals a per-example float64 computation, also for a smaller second batch', () => {
    const n_x = 12288;
    const m = 5;
    const net = makeNetwork([7, 3], 'tanh', n_x, m, 2);
    const { X } = testData(n_x, m, 3);
    const p = toParams64(net.params);
    for (const mm of [5, 2]) {
      const A = net.forward(X, mm);
      expect(A.length).toBe(mm);
      for (let i = 0; i < mm; i++)
        expect(A[i]).toBeCloseTo(forward64(net.config, p, X.subarray(i * n_x, (i + 1) * n_x)), 5);
    }
  });

  it('forwardCost leaves A[L] equal to forward', () => {
    const net = makeNetwork([4], 'relu', 6, 8, 9);
    const { X, Y } = testData(6, 8, 4);
    const A1 = net.forward(X, 8).slice();
    net.forwardCost(X, Y, 8);
    const A2 = net.probabilities();
    for (let i = 0; i < 8; i++) expect(A2[i]).toBeCloseTo(A1[i], 6);
  });

  it('rejects batches larger than it was built for and mismatched parameters, with clear messages', () => {
    const net = makeNetwork([4], 'relu', 6, 3, 9);
    const { X } = testData(6, 4, 4);
    expect(() => net.forward(X, 4)).toThrow(/batch of 4 examples; this network holds 1 to 3/);
    expect(() => net.setParameters({ W: [new Float32Array(3)], b: [new Float32Array(4)] })).toThrow(/layer 1/);
  });

  it('copyParameters is a copy and setParameters restores it', () => {
    const net = makeNetwork([4], 'relu', 6, 3, 9);
    const saved = net.copyParameters();
    const w = net.params.W[0][0];
    net.paramSlab.fill(0);
    expect(saved.W[0][0]).toBe(w);
    net.setParameters(saved);
    expect(net.params.W[0][0]).toBe(w);
  });
});
