// The custom network editor's parsing, and which preset a settings object matches.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, PRESETS, TrainSettings } from '../../src-main/contract.js';
import {
  formatHiddenLayers,
  matchingPreset,
  parseHiddenLayers,
  settingsProblem,
} from '../../src-renderer/state/settings-form.js';
import { trainErrorAdvice } from '../../src-renderer/state/train-advice.js';

describe('parseHiddenLayers', () => {
  it('reads sizes separated by commas and/or spaces', () => {
    expect(parseHiddenLayers('20,7,5')).toEqual({ ok: true, value: [20, 7, 5] });
    expect(parseHiddenLayers(' 20, 7 5 ')).toEqual({ ok: true, value: [20, 7, 5] });
    expect(parseHiddenLayers('')).toEqual({ ok: true, value: [] });
  });

  it('rejects non-integers, zero, too large and too many, saying which', () => {
    const bad = ['20,x', '20,7.5', '0', '5000', '1,2,3,4,5,6,7,8,9,10,11', '-3'];
    for (const text of bad) {
      const r = parseHiddenLayers(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
    }
  });

  it('round-trips with formatHiddenLayers and agrees with the contract schema', () => {
    for (const layers of [[], [7], [20, 7, 5], [4096, 1]]) {
      const text = formatHiddenLayers(layers);
      const parsed = parseHiddenLayers(text);
      expect(parsed).toEqual({ ok: true, value: layers });
      expect(TrainSettings.safeParse({ ...DEFAULT_SETTINGS, hiddenLayers: layers }).success).toBe(true);
    }
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
    expect(matchingPreset({ ...PRESETS['four-layer'], activation: 'tanh' })).toBeNull();
  });
});

describe('settingsProblem', () => {
  it('accepts every preset and the defaults', () => {
    for (const preset of [DEFAULT_SETTINGS, ...Object.values(PRESETS)])
      expect(settingsProblem(preset, formatHiddenLayers(preset.hiddenLayers))).toBeNull();
  });

  it('names the field and the value that the contract schema refuses', () => {
    expect(settingsProblem({ ...DEFAULT_SETTINGS, learningRate: 0 }, '20,7,5')).toMatch(
      /^Learning rate: 0 is out of range/,
    );
    expect(settingsProblem({ ...DEFAULT_SETTINGS, iterations: 2.5 }, '20,7,5')).toMatch(/^Iterations: 2.5/);
    expect(settingsProblem({ ...DEFAULT_SETTINGS, validationFraction: 0.9 }, '')).toMatch(/^Validation fraction: 0.9/);
    expect(settingsProblem({ ...DEFAULT_SETTINGS, seed: null }, '7')).toBe('Seed: type a number.');
    expect(settingsProblem(DEFAULT_SETTINGS, '20,x')).toMatch(/"x" is not a whole number/);
  });
});

describe('trainErrorAdvice', () => {
  it('suggests a lower learning rate for divergence and more images for too little data', () => {
    expect(trainErrorAdvice('The cost became NaN at iteration 12')).toMatch(/learning rate/);
    expect(trainErrorAdvice('Too few images: need at least 2 per class')).toMatch(/Add more images/);
    expect(trainErrorAdvice('something odd')).toMatch(/train again/);
  });
});
