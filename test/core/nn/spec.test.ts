// The layers text: parsing to a config, formatting back, the summary's shapes and parameter counts,
// and clear errors that name the item.
import { describe, expect, it } from 'vitest';
import { networkConfig, parameterCount } from '../../../src-core/nn/config.js';
import { layerSummary } from '../../../src-core/nn/shapes.js';
import { formatLayers, parseLayers } from '../../../src-core/nn/spec.js';

describe('layers text', () => {
  it('dense sizes give exactly the course configs', () => {
    expect(parseLayers('20,7,5', 'relu')).toEqual(networkConfig([20, 7, 5], 'relu'));
    expect(parseLayers(' 7 ', 'tanh')).toEqual(networkConfig([7], 'tanh'));
    expect(parseLayers('', 'relu')).toEqual(networkConfig([], 'relu'));
    expect(formatLayers(networkConfig([20, 7, 5], 'relu'))).toBe('20,7,5');
    expect(formatLayers(networkConfig([], 'relu'))).toBe('');
  });

  it("parses the issue's small CNN: conv 3x3, pools, 64 * 8 * 8 values into dense 64", () => {
    const config = parseLayers('c16,p,c32,p,c64,p,64', 'relu');
    expect(config).toEqual({
      features: [
        { kind: 'conv', filters: 16, size: 3, activation: 'relu' },
        { kind: 'pool' },
        { kind: 'conv', filters: 32, size: 3, activation: 'relu' },
        { kind: 'pool' },
        { kind: 'conv', filters: 64, size: 3, activation: 'relu' },
        { kind: 'pool' },
      ],
      layerDims: [4096, 64, 1],
      activations: ['relu', 'sigmoid'],
    });
    expect(formatLayers(config)).toBe('c16,p,c32,p,c64,p,64');
    expect(formatLayers(parseLayers('C8K5, P ,c4k1', 'tanh'))).toBe('c8k5,p,c4k1');
  });

  it('summarises shapes and parameters; parameterCount counts conv weights', () => {
    const config = parseLayers('c16,p,c32k5,p,64', 'relu');
    const rows = layerSummary(config);
    expect(rows.map((r) => [r.kind, r.shape.join('x'), r.params])).toEqual([
      ['input', '3x64x64', 0],
      ['conv', '16x64x64', 16 * 3 * 9 + 16],
      ['pool', '16x32x32', 0],
      ['conv', '32x32x32', 32 * 16 * 25 + 32],
      ['pool', '32x16x16', 0],
      ['flatten', '8192', 0],
      ['dense', '64', 64 * 8192 + 64],
      ['dense', '1', 65],
    ]);
    expect(rows[1].label).toBe('conv 3x3, 16 filters, relu');
    expect(parameterCount(config)).toBe(448 + 12832 + 524352 + 65);
    expect(parameterCount(networkConfig([7], 'relu'))).toBe(parameterCount([12288, 7, 1]));
  });

  it('rejects bad items, naming them', () => {
    expect(() => parseLayers('c16,x,64', 'relu')).toThrow(/item 2 \("x"\) of "c16,x,64" is not a layer/);
    expect(() => parseLayers('c16,,64', 'relu')).toThrow(/item 2 .* is empty/);
    expect(() => parseLayers('64,c16', 'relu')).toThrow(/item 2 \("c16"\) .* comes after a dense layer/);
    expect(() => parseLayers('c16,0', 'relu')).toThrow(/item 2 \("0"\).*at least 1 unit/);
    expect(() => parseLayers('c16k4', 'relu')).toThrow(/layer item 1 \(c16k4\) has a 4x4 kernel; use an odd size/);
    expect(() => parseLayers('c16k13', 'relu')).toThrow(/13x13 kernel/);
    expect(() => parseLayers('c300', 'relu')).toThrow(
      /layer item 1 \(c300\) has 300 filters; use a whole number from 1 to 256/,
    );
    expect(() => parseLayers('c0', 'relu')).toThrow(/0 filters/);
    expect(() => parseLayers('p,c16', 'relu')).toThrow(/layer item 1 \(p\) pools the image itself/);
    const sevenPools = `c4,${Array(7).fill('p').join(',')}`;
    expect(() => parseLayers(sevenPools, 'relu')).toThrow(/layer item 8 \(p\) pools a 1x1 map/);
    expect(() => parseLayers('c4,5000', 'relu')).toThrow(/more than the 4096/);
  });
});
