import { describe, expect, it } from 'vitest';
import { networkConfig, parameterCount, parseHiddenLayers, validateConfig } from '../../../src-core/nn/config.js';

describe('network config', () => {
  it('parses hidden sizes', () => {
    expect(parseHiddenLayers('20,7,5')).toEqual([20, 7, 5]);
    expect(parseHiddenLayers(' 7 ')).toEqual([7]);
    expect(parseHiddenLayers('')).toEqual([]);
  });

  it('rejects malformed sizes saying which item', () => {
    expect(() => parseHiddenLayers('20,x,5')).toThrow(/"x" \(item 2 of "20,x,5"\)/);
    expect(() => parseHiddenLayers('20,,5')).toThrow(/item 2/);
    expect(() => parseHiddenLayers('-3')).toThrow(/not a whole number/);
  });

  it('builds [n_x, ...hidden, 1] with sigmoid output', () => {
    expect(networkConfig([20, 7, 5], 'relu')).toEqual({
      layerDims: [12288, 20, 7, 5, 1],
      activations: ['relu', 'relu', 'relu', 'sigmoid'],
    });
    expect(networkConfig([], 'tanh')).toEqual({ layerDims: [12288, 1], activations: ['sigmoid'] });
    expect(parameterCount([12288, 7, 1])).toBe(12288 * 7 + 7 + 7 + 1);
  });

  it('rejects impossible networks with clear messages', () => {
    expect(() => networkConfig([0], 'relu')).toThrow(/layer 1 has 0 units/);
    expect(() => networkConfig([5000], 'relu')).toThrow(/more than the 4096/);
    expect(() => validateConfig({ layerDims: [4, 2], activations: ['sigmoid'] })).toThrow(
      /output layer must have 1 unit/,
    );
    expect(() => validateConfig({ layerDims: [4, 2, 1], activations: ['relu', 'relu'] })).toThrow(/must be sigmoid/);
    expect(() => validateConfig({ layerDims: [4, 1], activations: ['softmax' as never] })).toThrow(/softmax/);
    expect(() => validateConfig({ layerDims: [4], activations: [] })).toThrow(/at least 2/);
  });
});
