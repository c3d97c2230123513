// The presets: the course's three are exactly the course's hyperparameters (full batch, gd, seed 1, no
// augmentation); the Small CNN is the network of the CNN comparison; every preset resolves to valid
// options and a network the engine can build.
import { describe, expect, it } from 'vitest';
import { N_X } from '../../../src-core/nn/model.js';
import { requestedNetwork } from '../../../src-core/train/network-choice.js';
import { PRESET_IDS, PRESETS, presetOptions } from '../../../src-core/train/presets.js';
import { resolveOptions } from '../../../src-core/train/resolve.js';

describe('presets', () => {
  it('the course presets are the course notebooks settings', () => {
    const course = { batchSize: 0, optimizer: 'gd', l2: 0, seed: 1, augment: { flip: false, shift: 0 } };
    expect(PRESETS.logistic.settings).toMatchObject({
      ...course,
      layers: '',
      init: 'zeros',
      learningRate: 0.005,
      iterations: 2000,
    });
    expect(PRESETS['two-layer'].settings).toMatchObject({
      ...course,
      layers: '7',
      init: 'small',
      learningRate: 0.0075,
      iterations: 2500,
    });
    expect(PRESETS['four-layer'].settings).toMatchObject({
      ...course,
      layers: '20,7,5',
      init: 'course',
      learningRate: 0.0075,
      iterations: 2500,
    });
  });

  it('Small CNN: c16,p,c32,p,c64,p,64, He, Adam 1e-3, batch 32, 30 epochs, flip + shift 4', () => {
    const o = presetOptions('small-cnn');
    expect(o).toMatchObject({ init: 'he', optimizer: 'adam', learningRate: 1e-3, batchSize: 32, iterations: 30 });
    expect(o.augment).toEqual({ flip: true, shift: 4 });
    expect(requestedNetwork(o, N_X).layerDims).toEqual([64 * 8 * 8, 64, 1]);
  });

  it('every preset resolves, and presetOptions returns copies', () => {
    for (const id of PRESET_IDS) {
      const o = presetOptions(id);
      expect(() => resolveOptions(o)).not.toThrow();
      expect(() => requestedNetwork(o, N_X)).not.toThrow();
      o.augment!.flip = !o.augment!.flip;
      expect(PRESETS[id].settings.augment.flip).not.toBe(o.augment!.flip);
    }
  });
});
