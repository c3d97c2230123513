// Convolutional networks against the float64 oracle of test/helpers/network64.ts: the cost, every
// parameter's gradient (central differences, the course's nudge), the gradient with respect to the
// input pixels, with the reference kernels and with the native ones where the addon loads.
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../../src-core/kernels/kernels.js';
import { setNativeIsa, setNativeThreads } from '../../../src-core/kernels/native.js';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { initializeParameters } from '../../../src-core/nn/init.js';
import type { Activation, FeatureSpec, NetworkConfig } from '../../../src-core/nn/model.js';
import { Network } from '../../../src-core/nn/network.js';
import { mulberry32 } from '../../../src-core/nn/random.js';
import { denseInputSize, type Shape } from '../../../src-core/nn/shapes.js';
import { nativeUnderTest } from '../../helpers/native-kernels.js';
import { centralDifference, cost64, forward64, type Params64, toParams64 } from '../../helpers/network64.js';

const reference = referenceKernels();
const { native, isas } = nativeUnderTest('native CNN gradients');

const conv = (filters: number, activation: Activation, size = 3): FeatureSpec => ({
  kind: 'conv',
  filters,
  size,
  activation,
});
const pool: FeatureSpec = { kind: 'pool' };

function cnnConfig(features: FeatureSpec[], hidden: number[], g: Activation, image: Shape): NetworkConfig {
  return {
    features,
    layerDims: [denseInputSize(features, image), ...hidden, 1],
    activations: [...hidden.map(() => g), 'sigmoid'],
  };
}

function testData(n: number, m: number, seed: number): { X: Uint8Array; Y: Float32Array } {
  const r = mulberry32(seed);
  const X = Uint8Array.from({ length: m * n }, () => Math.floor(r() * 256));
  const Y = Float32Array.from({ length: m }, (_, i) => (i % 2 === 0 ? 1 : 0));
  return { X, Y };
}

function makeNetwork(config: NetworkConfig, m: number, image: Shape, kernels: Kernels, seed: number): Network {
  const net = new Network(config, m, kernels, image);
  initializeParameters(net.params, config, 'he', seed);
  // Non-zero biases so every term of db matters.
  const r = mulberry32(seed + 1);
  for (const b of [...(net.params.convB ?? []), ...net.params.b])
    for (let i = 0; i < b.length; i++) b[i] = 0.2 * r() - 0.1;
  return net;
}

interface Case {
  name: string;
  image: Shape;
  features: FeatureSpec[];
  hidden: number[];
  g: Activation;
}

const cases: Case[] = [
  {
    name: 'c2,p,c3k5,4 tanh on 3x7x6',
    image: { c: 3, h: 7, w: 6 },
    features: [conv(2, 'tanh'), pool, conv(3, 'tanh', 5)],
    hidden: [4],
    g: 'tanh',
  },
  {
    name: 'c3,p,p,3 leaky_relu on 3x8x8',
    image: { c: 3, h: 8, w: 8 },
    features: [conv(3, 'leaky_relu'), pool, pool],
    hidden: [3],
    g: 'leaky_relu',
  },
  {
    name: 'c2k1 then output, sigmoid convs on 3x5x5',
    image: { c: 3, h: 5, w: 5 },
    features: [conv(2, 'sigmoid', 1)],
    hidden: [],
    g: 'relu',
  },
  {
    name: 'c4,p,c2,5 relu on 3x6x6',
    image: { c: 3, h: 6, w: 6 },
    features: [conv(4, 'relu'), pool, conv(2, 'relu')],
    hidden: [5],
    g: 'relu',
  },
];

/** Every gradient of `net` against central differences of the float64 cost; returns how many were checked. */
function checkGradients(net: Network, c: Case, X: Uint8Array, Y: Float32Array, m: number, lambda: number): number {
  const p = toParams64(net.params);
  const J = () => cost64(net.config, p, X, Y, m, lambda, c.image);
  const grads: [keyof Params64, Float32Array[] | undefined][] = [
    ['convW', net.grads.dConvW],
    ['convB', net.grads.dConvB],
    ['W', net.grads.dW],
    ['b', net.grads.db],
  ];
  let checked = 0;
  for (const [which, list] of grads)
    list?.forEach((grad, li) => {
      for (let i = 0; i < grad.length; i++) {
        const numeric = centralDifference(p[which][li], i, J);
        if (Math.abs(grad[i] - numeric) > 2e-5 + 2e-3 * Math.abs(numeric))
          throw new Error(`d${which}[${li}][${i}]: backward ${grad[i]}, finite difference ${numeric}`);
        checked++;
      }
    });
  return checked;
}

const backends: [string, Kernels | undefined][] = [
  ['reference', reference],
  ['native', native],
];

describe('convolutional Network', () => {
  for (const [backend, kernels] of backends)
    for (const c of cases)
      for (const lambda of [0, 0.5])
        it.skipIf(!kernels)(
          `${backend} kernels, ${c.name}, lambda ${lambda}: cost and gradients match a float64 oracle`,
          () => {
            const m = 3;
            const net = makeNetwork(cnnConfig(c.features, c.hidden, c.g, c.image), m, c.image, kernels!, 3);
            const { X, Y } = testData(c.image.c * c.image.h * c.image.w, m, 7);
            const J = net.forwardCost(X, Y, m, lambda);
            net.backward(X, m, lambda);
            expect(J).toBeCloseTo(cost64(net.config, toParams64(net.params), X, Y, m, lambda, c.image), 5);
            expect(checkGradients(net, c, X, Y, m, lambda)).toBe(net.paramSlab.length);
          },
        );

  it.skipIf(!native)('native and reference kernels give the same gradients for a small CNN', () => {
    const c = cases[0];
    const config = cnnConfig(c.features, c.hidden, c.g, c.image);
    const [a, b] = [makeNetwork(config, 4, c.image, reference, 9), makeNetwork(config, 4, c.image, native!, 9)];
    const { X, Y } = testData(c.image.c * c.image.h * c.image.w, 4, 2);
    const [Ja, Jb] = [a.forwardCost(X, Y, 4, 0.1), b.forwardCost(X, Y, 4, 0.1)];
    a.backward(X, 4, 0.1);
    b.backward(X, 4, 0.1);
    expect(Jb).toBeCloseTo(Ja, 5);
    for (let i = 0; i < a.gradSlab.length; i++)
      expect(Math.abs(b.gradSlab[i] - a.gradSlab[i])).toBeLessThan(1e-5 + 1e-4 * Math.abs(a.gradSlab[i]));
  });

  for (const c of [
    ...cases,
    { name: 'dense-only [8, 4, 1] relu', image: { c: 2, h: 2, w: 2 }, features: [], hidden: [4], g: 'relu' } as Case,
    { name: 'logistic regression', image: { c: 3, h: 2, w: 2 }, features: [], hidden: [], g: 'relu' } as Case,
  ])
    it(`inputGradient, ${c.name}: d Yhat / d x matches central differences, in HWC order`, () => {
      const m = 2;
      const n = c.image.c * c.image.h * c.image.w;
      const config = c.features.length
        ? cnnConfig(c.features, c.hidden, c.g, c.image)
        : { layerDims: [n, ...c.hidden, 1], activations: [...c.hidden.map(() => c.g), 'sigmoid' as const] };
      const net = makeNetwork(config, m, c.image, reference, 4);
      const { X } = testData(n, m, 5);
      const before = net.gradSlab.slice();
      const out = new Float32Array(m * n);
      net.inputGradient(X, m, out);
      expect(Array.from(net.gradSlab)).toEqual(Array.from(before)); // the parameter gradients are untouched
      const p = toParams64(net.params);
      for (let i = 0; i < m; i++) {
        const x = Array.from(X.subarray(i * n, (i + 1) * n), (v) => v / 255);
        for (let j = 0; j < n; j++) {
          const numeric = centralDifference(x, j, () => forward64(config, p, x, c.image));
          expect(Math.abs(out[i * n + j] - numeric), `example ${i}, x[${j}]`).toBeLessThan(
            1e-6 + 1e-3 * Math.abs(numeric),
          );
        }
      }
    });

  it('featureMaps are the conv and pool outputs of the last pass, (m, c, h, w)', () => {
    const c = cases[3];
    const net = makeNetwork(cnnConfig(c.features, c.hidden, c.g, c.image), 2, c.image, reference, 1);
    const { X } = testData(108, 2, 1);
    net.forward(X, 2);
    const maps = net.featureMaps();
    expect(maps.map((f) => [f.kind, f.shape.c, f.shape.h, f.shape.w, f.A.length])).toEqual([
      ['conv', 4, 6, 6, 2 * 144],
      ['pool', 4, 3, 3, 2 * 36],
      ['conv', 2, 3, 3, 2 * 18],
    ]);
    // the pool map is the 2x2 max of the conv map
    expect(maps[1].A[0]).toBe(Math.max(maps[0].A[0], maps[0].A[1], maps[0].A[6], maps[0].A[7]));
  });

  it('datasetCost over chunks equals one forwardCost; copy/set parameters round-trip the conv weights', () => {
    const c = cases[0];
    const config = cnnConfig(c.features, c.hidden, c.g, c.image);
    const big = makeNetwork(config, 7, c.image, reference, 2);
    const small = new Network(config, 3, reference, c.image);
    small.setParameters(big.copyParameters());
    expect(Array.from(small.paramSlab)).toEqual(Array.from(big.paramSlab));
    expect(small.params.convW?.[1].length).toBe(3 * 2 * 25);
    const { X, Y } = testData(126, 7, 3);
    const J = big.forwardCost(X, Y, 7);
    const out = new Float32Array(7);
    expect(small.datasetCost(X, Y, 7, out)).toBeCloseTo(J, 6);
    for (let i = 0; i < 7; i++) expect(out[i]).toBeCloseTo(big.probabilities()[i], 6);
    const wrong = big.copyParameters();
    wrong.convW![1] = new Float32Array(5);
    expect(() => small.setParameters(wrong)).toThrow(/conv layer 1 have the wrong size/);
  });

  it.skipIf(!native)('native: one training step of a CNN gives the same bits for 1 and 2 threads, on every ISA', () => {
    const image = { c: 3, h: 16, w: 13 };
    const config = cnnConfig([conv(5, 'relu'), pool, conv(7, 'leaky_relu', 5), pool], [6], 'relu', image);
    const { X, Y } = testData(3 * 16 * 13, 9, 12);
    for (const isa of isas) {
      setNativeIsa(isa);
      const runs = [1, 2].map((threads) => {
        setNativeThreads(threads);
        const net = makeNetwork(config, 9, image, native!, 6);
        const J = net.forwardCost(X, Y, 9, 0.2);
        net.backward(X, 9, 0.2);
        return { J, grads: Array.from(net.gradSlab) };
      });
      expect(runs[1].J, isa).toBe(runs[0].J);
      expect(runs[1].grads, isa).toEqual(runs[0].grads);
    }
  });

  it('L2 includes the conv weights', () => {
    const c = cases[3];
    const net = makeNetwork(cnnConfig(c.features, c.hidden, c.g, c.image), 1, c.image, reference, 1);
    let squares = 0;
    for (const W of [...net.params.convW!, ...net.params.W]) for (const w of W) squares += w * w;
    expect(net.l2Cost(0.6, 3)).toBeCloseTo((0.6 / 6) * squares, 6);
  });
});
