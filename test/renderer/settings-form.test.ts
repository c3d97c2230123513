// The custom network editor's parsing, and which preset a settings object matches.

import { describe, expect, it } from 'vitest';
import { PRESETS as CORE_PRESETS, PRESET_IDS } from '../../src-core/train/presets.js';
import { DEFAULT_SETTINGS, PRESETS, TrainSettings } from '../../src-main/contract.js';
import {
  layersTextOf,
  matchingPreset,
  networkLabel,
  parseNetwork,
  settingsProblem,
} from '../../src-renderer/state/settings-form.js';

describe("parseNetwork (the layers field, read by the engine's parseLayers)", () => {
  it('reads dense sizes as the course form (no layers text)', () => {
    expect(parseNetwork('20,7,5')).toEqual({ ok: true, value: { hiddenLayers: [20, 7, 5] } });
    expect(parseNetwork(' 20, 7 ,5 ')).toEqual({ ok: true, value: { hiddenLayers: [20, 7, 5] } });
    expect(parseNetwork('')).toEqual({ ok: true, value: { hiddenLayers: [] } });
  });

  it('reads a CNN as canonical layers text plus its dense sizes', () => {
    expect(parseNetwork('c16,p,c32,p,c64,p,64')).toEqual({
      ok: true,
      value: { hiddenLayers: [64], layers: 'c16,p,c32,p,c64,p,64' },
    });
    expect(parseNetwork('C8K5, p, 10')).toEqual({ ok: true, value: { hiddenLayers: [10], layers: 'c8k5,p,10' } });
    expect(parseNetwork('c16k3,p')).toEqual({ ok: true, value: { hiddenLayers: [], layers: 'c16,p' } });
  });

  it('rejects bad items, naming the item and what to type', () => {
    const bad: [string, RegExp][] = [
      ['20,x', /item 2 \("x"\).*is not a layer/],
      ['20,7.5', /"7.5"/],
      ['0', /at least 1 unit/],
      ['5000', /4096/],
      ['1,2,3,4,5,6,7,8,9,10,11', /11 hidden layers/],
      ['-3', /"-3"/],
      ['64,c16', /comes after a dense layer/],
      ['c16k4', /odd|k4/],
      ['20,,5', /empty/],
    ];
    for (const [text, message] of bad) {
      const r = parseNetwork(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.error, text).toMatch(message);
    }
  });

  it('round-trips with layersTextOf and agrees with the contract schema', () => {
    for (const text of ['', '7', '20,7,5', '4096,1', 'c16,p,c32,p,c64,p,64', 'c8k5,p,c4']) {
      const parsed = parseNetwork(text);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(layersTextOf(parsed.value)).toBe(text);
      expect(TrainSettings.safeParse({ ...DEFAULT_SETTINGS, ...parsed.value }).success).toBe(true);
    }
  });

  it('labels course nets by their dimensions and CNNs by their text', () => {
    expect(networkLabel(PRESETS['four-layer'])).toBe('[12288, 20, 7, 5, 1]');
    expect(networkLabel(PRESETS.logistic)).toBe('[12288, 1]');
    expect(networkLabel(PRESETS['small-cnn'])).toBe('c16,p,c32,p,c64,p,64 → 1');
  });
});

describe('matchingPreset', () => {
  it('recognises each preset, also with other iterations or learning rate', () => {
    for (const name of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
      expect(matchingPreset(PRESETS[name])).toBe(name);
      expect(matchingPreset({ ...PRESETS[name], iterations: 300, learningRate: 0.01 })).toBe(name);
    }
  });

  it('returns null for a custom network', () => {
    expect(matchingPreset({ ...DEFAULT_SETTINGS, hiddenLayers: [32, 8] })).toBeNull();
    expect(matchingPreset({ ...PRESETS['small-cnn'], layers: 'c16,p,c32,p,64', hiddenLayers: [64] })).toBeNull();
    expect(matchingPreset({ ...PRESETS['four-layer'], activation: 'tanh' })).toBeNull();
  });
});

describe('settingsProblem', () => {
  it("the app's presets are the engine's (train/presets.ts)", () => {
    for (const id of PRESET_IDS) {
      const core = CORE_PRESETS[id].settings;
      const app = PRESETS[id];
      expect(layersTextOf(app)).toBe(core.layers);
      expect({ ...app, layers: core.layers, hiddenLayers: undefined }).toEqual({
        ...DEFAULT_SETTINGS,
        ...core,
        hiddenLayers: undefined,
      });
    }
  });

  it('the CNN preset turns augmentation on and the course presets leave it off', () => {
    expect(PRESETS['small-cnn'].augment).toEqual({ flip: true, shift: 4 });
    for (const name of ['logistic', 'two-layer', 'four-layer'] as const)
      expect(PRESETS[name].augment).toEqual({ flip: false, shift: 0 });
  });

  it('accepts every preset and the defaults', () => {
    for (const preset of [DEFAULT_SETTINGS, ...Object.values(PRESETS)])
      expect(settingsProblem(preset, layersTextOf(preset))).toBeNull();
  });

  it('names the field and the value that the contract schema refuses', () => {
    expect(settingsProblem({ ...DEFAULT_SETTINGS, learningRate: 0 }, '20,7,5')).toMatch(
      /^Learning rate: 0 is out of range/,
    );
    expect(settingsProblem({ ...DEFAULT_SETTINGS, iterations: 2.5 }, '20,7,5')).toMatch(/^Iterations: 2.5/);
    expect(settingsProblem({ ...DEFAULT_SETTINGS, validationFraction: 0.9 }, '')).toMatch(/^Validation fraction: 0.9/);
    expect(settingsProblem({ ...DEFAULT_SETTINGS, seed: null }, '7')).toBe('Seed: type a number.');
    expect(settingsProblem(DEFAULT_SETTINGS, '20,x')).toMatch(/item 2 \("x"\).*is not a layer/);
  });
});
