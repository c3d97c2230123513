// "See what the network learned" at the service level, through the engine: a first-layer unit or
// filter with a known pattern comes back (as a PNG) as that pattern, and the saliency gradient equals
// finite differences of the engine's own forward pass on the image bytes.

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../src-core/kernels/select.js';
import type { Model, NetworkConfig, Parameters } from '../../src-core/nn/model.js';
import { N_X } from '../../src-core/nn/model.js';
import { Network } from '../../src-core/nn/network.js';
import { Random } from '../../src-core/nn/random.js';
import { explainImage, explainVector, learnedFeatures, vectorOfPng } from '../../src-main/services/learned.js';

/** A model with the given config and parameters drawn from randn * scale (seeded). */
function randomModel(config: NetworkConfig, seed: number): Model {
  const net = new Network(config, 1, getKernels());
  const r = new Random(seed);
  const p = net.copyParameters();
  const fill = (a: Float32Array[] | undefined, fanIn: (i: number) => number) =>
    a?.forEach((v, i) => {
      const s = 1 / Math.sqrt(fanIn(i));
      for (let k = 0; k < v.length; k++) v[k] = r.randn() * s;
    });
  fill(
    p.convW,
    (i) => p.convW![i]!.length / (config.features!.filter((f) => f.kind === 'conv')[i] as { filters: number }).filters,
  );
  fill(p.W, (i) => config.layerDims[i]!);
  fill(p.b, () => 100);
  fill(p.convB, () => 100);
  return { config, params: p as Parameters, classNames: ['a', 'b'], resize: 'cover', threshold: 0.5, summary: {} };
}

async function rgbOf(png: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(Buffer.from(png.split(',')[1]!, 'base64'))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Bytes (64, 64, 3) in [30, 225], so every byte can move by +-1. */
function image(seed: number): Uint8Array {
  const r = new Random(seed);
  return Uint8Array.from({ length: N_X }, () => 30 + Math.floor(r.uniform() * 196));
}

describe('the first layer as pictures', () => {
  it('a dense unit whose weights are a pattern renders that pattern at 64x64', async () => {
    const model = randomModel({ layerDims: [N_X, 3, 1], activations: ['relu', 'sigmoid'] }, 1);
    const row = model.params.W[0]!.subarray(1 * N_X, 2 * N_X); // unit 2
    // top half: +0.3 on red; bottom half: -0.3 on green; nothing else
    row.fill(0);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) row[(y * 64 + x) * 3 + (y < 32 ? 0 : 1)] = y < 32 ? 0.3 : -0.3;
    const f = await learnedFeatures(model);
    expect(f).toMatchObject({ kind: 'dense', size: 64, total: 3 });
    expect(f.pictures.map((p) => p.label)).toEqual(['unit 1', 'unit 2', 'unit 3']);
    const { data, width, height } = await rgbOf(f.pictures[1]!.png);
    expect([width, height]).toEqual([64, 64]);
    for (let y = 0; y < 64; y += 7)
      for (let x = 0; x < 64; x += 5)
        expect(Array.from(data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)), `(${y},${x})`).toEqual(
          y < 32 ? [255, 128, 128] : [128, 1, 128],
        );
  });

  it('a conv filter whose weights are a pattern renders that pattern at k x k', async () => {
    const model = randomModel(
      {
        features: [{ kind: 'conv', filters: 4, size: 3, activation: 'relu' }, { kind: 'pool' }],
        layerDims: [4 * 32 * 32, 1],
        activations: ['sigmoid'],
      },
      2,
    );
    const W = model.params.convW![0]!; // (4, 3, 3, 3)
    const filter = W.subarray(2 * 27, 3 * 27);
    filter.fill(0);
    for (let i = 0; i < 3; i++) filter[2 * 9 + i * 3 + i] = 1; // blue diagonal
    const f = await learnedFeatures(model);
    expect(f).toMatchObject({ kind: 'conv', size: 3, total: 4 });
    const { data } = await rgbOf(f.pictures[2]!.png);
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 3; x++)
        expect(Array.from(data.subarray((y * 3 + x) * 3, (y * 3 + x) * 3 + 3))).toEqual(
          x === y ? [128, 128, 255] : [128, 128, 128],
        );
  });
});

describe('saliency = d P / d pixels from one backward pass', () => {
  const cases: [string, NetworkConfig][] = [
    ['dense [12288, 5, 1] tanh', { layerDims: [N_X, 5, 1], activations: ['tanh', 'sigmoid'] }],
    [
      'conv c3 tanh, dense [.., 4, 1]',
      {
        features: [{ kind: 'conv', filters: 3, size: 3, activation: 'tanh' }],
        layerDims: [3 * 64 * 64, 4, 1],
        activations: ['tanh', 'sigmoid'],
      },
    ],
  ];
  for (const [name, config] of cases)
    it(`matches central finite differences of the engine's forward pass (${name})`, () => {
      const model = randomModel(config, 3);
      const x = image(4);
      const { probability, gradient } = explainVector(model, x);
      const net = new Network(config, 1, getKernels());
      net.setParameters(model.params);
      const P = (bytes: Uint8Array) => net.forward(bytes, 1)[0]!;
      expect(probability).toBeCloseTo(P(x), 6);
      const top = gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
      expect(top).toBeGreaterThan(0);
      // the 20 largest |gradient| entries and 20 random ones; a byte step is 1/255 of x
      const order = Array.from(gradient.keys()).sort((a, b) => Math.abs(gradient[b]!) - Math.abs(gradient[a]!));
      const r = new Random(5);
      const picks = [...order.slice(0, 20), ...Array.from({ length: 20 }, () => Math.floor(r.uniform() * N_X))];
      for (const i of picks) {
        const up = x.slice();
        const down = x.slice();
        up[i]! += 1;
        down[i]! -= 1;
        const fd = (P(up) - P(down)) / (2 / 255);
        expect(Math.abs(fd - gradient[i]!), `pixel byte ${i}: fd ${fd} vs ${gradient[i]}`).toBeLessThan(0.02 * top);
      }
    });

  it('the saliency PNG is 64x64 and brightest where |gradient| is largest; CNNs also get feature maps', async () => {
    const config: NetworkConfig = {
      features: [{ kind: 'conv', filters: 3, size: 3, activation: 'tanh' }],
      layerDims: [3 * 64 * 64, 4, 1],
      activations: ['tanh', 'sigmoid'],
    };
    const model = randomModel(config, 6);
    const x = image(7);
    const e = await explainImage(model, x);
    expect(e.featureMaps?.map((m) => m.label)).toEqual(['filter 1', 'filter 2', 'filter 3']);
    const { data, info } = await sharp(Buffer.from(e.saliency.split(',')[1]!, 'base64'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([64, 64, 4]);
    const { gradient } = explainVector(model, x);
    let best = 0;
    for (let p = 1; p < 4096; p++) {
      const s = (q: number) => Math.max(...[0, 1, 2].map((c) => Math.abs(gradient[q * 3 + c]!)));
      if (s(p) > s(best)) best = p;
    }
    expect(data[best * 4 + 3]).toBe(Math.round(255 * 0.85));
  });

  it('reads back exactly the bytes of a prediction PNG, and refuses anything else', async () => {
    const x = image(8);
    const png = await sharp(Buffer.from(x), { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    expect(await vectorOfPng(`data:image/png;base64,${png.toString('base64')}`)).toEqual(x);
    await expect(vectorOfPng('data:image/jpeg;base64,AAAA')).rejects.toThrow(/PNG data URL of a prediction/);
    const small = await sharp(Buffer.alloc(12), { raw: { width: 2, height: 2, channels: 3 } })
      .png()
      .toBuffer();
    await expect(vectorOfPng(`data:image/png;base64,${small.toString('base64')}`)).rejects.toThrow(/2x2/);
    const big = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expect(vectorOfPng(`data:image/png;base64,${big.toString('base64')}`)).rejects.toThrow(/not a 64x64 RGB PNG/);
  });
});
