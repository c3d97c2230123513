// Seeded randomness against NumPy's published numbers (np.random.seed(s), values printed by NumPy
// 1.24), and initialisation scales against their definitions.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { convInitScale, initializeParameters, initScale } from '../../../src-core/nn/init.js';
import type { Parameters } from '../../../src-core/nn/model.js';
import { Network } from '../../../src-core/nn/network.js';
import { mulberry32, Random, shuffleInPlace } from '../../../src-core/nn/random.js';
import { parseLayers } from '../../../src-core/nn/spec.js';

function zeroParams(dims: number[]): Parameters {
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 1; l < dims.length; l++) {
    W.push(new Float32Array(dims[l] * dims[l - 1]));
    b.push(new Float32Array(dims[l]).fill(9));
  }
  return { W, b };
}

describe('Random (NumPy MT19937 legacy)', () => {
  it('np.random.seed(1); np.random.randn(5)', () => {
    const r = new Random(1);
    const expected = [
      1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785,
    ];
    for (const e of expected) expect(r.randn()).toBe(e);
  });

  it('np.random.seed(3); np.random.rand(3) and the first raw MT19937 output for seed 1', () => {
    const r = new Random(3);
    for (const e of [0.5507979025745755, 0.7081478226181048, 0.2909047389129443]) expect(r.uniform()).toBe(e);
    expect(new Random(1).uint32()).toBe(1791095845);
  });

  it('shuffle is a permutation and depends on the seed', () => {
    const a = new Random(5).shuffle(Uint32Array.from({ length: 50 }, (_, i) => i));
    const b = new Random(6).shuffle(Uint32Array.from({ length: 50 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...a]).not.toEqual([...b]);
  });

  it('one shuffle: Random.shuffle is shuffleInPlace drawing with below; mulberry32 is seeded and uniform', () => {
    const a = new Random(4).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    const r = new Random(4);
    expect(shuffleInPlace([0, 1, 2, 3, 4, 5, 6, 7], (n) => r.below(n))).toEqual(a);
    const u = mulberry32(9);
    const v = mulberry32(9);
    const draws = Array.from({ length: 4000 }, () => u());
    expect(draws.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => v()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, x) => s + x, 0) / draws.length).toBeCloseTo(0.5, 1);
  });

  it('rejects bad seeds', () => {
    expect(() => new Random(-1)).toThrow(/seed/);
    expect(() => new Random(1.5)).toThrow(/seed/);
  });
});

describe('initializeParameters', () => {
  it("'small' with seed 1 is the course's W1 = np.random.randn(7, 12288) * 0.01", () => {
    const p = zeroParams([12288, 7, 1]);
    initializeParameters(p, [12288, 7, 1], 'small', 1);
    expect(p.W[0][0]).toBeCloseTo(0.01624345363663242, 9);
    expect(p.W[0][1]).toBeCloseTo(-0.006117564136500754, 9);
    expect(p.W[0][7 * 12288 - 1]).toBeCloseTo(0.003597947274769761, 9);
    let sum = 0;
    for (const w of p.W[0]) sum += w;
    expect(sum).toBeCloseTo(2.421608176704326, 4);
    expect(Array.from(p.b[0])).toEqual(new Array(7).fill(0));
  });

  it("'course' divides by sqrt(n_prev); 'zeros' is all zero; scales of he and xavier", () => {
    const dims = [12288, 20, 7, 5, 1];
    const small = zeroParams(dims);
    const course = zeroParams(dims);
    initializeParameters(small, dims, 'small', 1);
    initializeParameters(course, dims, 'course', 1);
    for (let l = 1; l < dims.length; l++)
      for (const i of [0, 3])
        expect(course.W[l - 1][i]).toBeCloseTo(small.W[l - 1][i] / 0.01 / Math.sqrt(dims[l - 1]), 6);
    const zeros = zeroParams([10, 1]);
    initializeParameters(zeros, [10, 1], 'zeros', 1);
    expect(Array.from(zeros.W[0])).toEqual(new Array(10).fill(0));
    expect(initScale('he', 8)).toBeCloseTo(0.5, 12);
    expect(initScale('xavier', 4)).toBeCloseTo(0.5, 12);
  });

  it('he: sample standard deviation close to sqrt(2 / n_prev)', () => {
    const p = zeroParams([400, 100, 1]);
    initializeParameters(p, [400, 100, 1], 'he', 7);
    let sq = 0;
    for (const w of p.W[0]) sq += w * w;
    expect(Math.sqrt(sq / p.W[0].length)).toBeCloseTo(Math.sqrt(2 / 400), 3);
  });

  it('rejects an unknown method', () => {
    expect(() => initializeParameters(zeroParams([3, 1]), [3, 1], 'bogus' as never, 1)).toThrow(/bogus/);
  });
});

describe('initializeParameters with a convolutional body', () => {
  const config = parseLayers('c32k5,p,c16,8', 'relu');

  it('conv W is He: randn * sqrt(2 / (c_in k k)), b = 0, drawn first from the one generator, then the dense layers', () => {
    const net = new Network(config, 1, referenceKernels());
    initializeParameters(net.params, config, 'course', 3);
    const [W1, W2] = net.params.convW!;
    const rms = (W: Float32Array) => Math.sqrt(W.reduce((s, w) => s + w * w, 0) / W.length);
    expect(rms(W1)).toBeCloseTo(Math.sqrt(2 / (3 * 25)), 2); // 2400 draws
    expect(rms(W2)).toBeCloseTo(Math.sqrt(2 / (32 * 9)), 2); // 4608 draws
    expect(net.params.convB!.every((b) => b.every((v) => v === 0))).toBe(true);
    // The same stream, drawn in slab order: conv 1, conv 2, then the course's scaling for W[1], W[2].
    const r = new Random(3);
    expect(W1[0]).toBeCloseTo(r.randn() * Math.sqrt(2 / 75), 6);
    for (let i = 1; i < W1.length; i++) r.randn();
    for (let i = 0; i < W2.length; i++) r.randn();
    expect(net.params.W[0][0]).toBeCloseTo(r.randn() / Math.sqrt(config.layerDims[0]), 7);
  });

  it('xavier scales conv layers by sqrt(1 / fan_in); conv weights depend on the seed', () => {
    expect(convInitScale('xavier', 4)).toBeCloseTo(0.5, 12);
    expect(convInitScale('zeros', 8)).toBeCloseTo(0.5, 12);
    const a = new Network(config, 1, referenceKernels());
    const b = new Network(config, 1, referenceKernels());
    initializeParameters(a.params, config, 'he', 1);
    initializeParameters(b.params, config, 'he', 2);
    expect(a.params.convW![0][0]).not.toBe(b.params.convW![0][0]);
    expect(() => initializeParameters({ W: a.params.W, b: a.params.b }, config, 'he', 1)).toThrow(/convW/);
    expect(() => initializeParameters(a.params, config.layerDims, 'he', 1)).toThrow(/pass the NetworkConfig/);
  });
});
