// The custom network editor's text fields <-> TrainSettings. Pure: parsing returns either a value or a
// message that says what is wrong with the text and what to type instead.

import { PRESETS, TrainSettings } from '../../src-main/contract.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const MAX_HIDDEN_LAYERS = 10;
export const MAX_UNITS = 4096;

/** "20, 7, 5" -> [20, 7, 5]; "" -> [] (logistic regression). */
export function parseHiddenLayers(text: string): Parsed<number[]> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: [] };
  const parts = trimmed.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length > MAX_HIDDEN_LAYERS)
    return { ok: false, error: `At most ${MAX_HIDDEN_LAYERS} hidden layers (got ${parts.length}).` };
  const value: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p))
      return { ok: false, error: `"${p}" is not a whole number of units. Type sizes like 20,7,5 (empty = none).` };
    const n = Number(p);
    if (n < 1 || n > MAX_UNITS) return { ok: false, error: `Layer sizes go from 1 to ${MAX_UNITS} (got ${n}).` };
    value.push(n);
  }
  return { ok: true, value };
}

export function formatHiddenLayers(layers: readonly number[]): string {
  return layers.join(',');
}

export type PresetName = keyof typeof PRESETS;

export const PRESET_LABELS: Record<PresetName, { title: string; detail: string }> = {
  logistic: { title: 'Logistic regression', detail: '[12288, 1]' },
  'two-layer': { title: '2-layer network', detail: '[12288, 7, 1]' },
  'four-layer': { title: '4-layer network', detail: '[12288, 20, 7, 5, 1]' },
};

/** The preset whose network shape, activation and initialisation `s` uses, or null (custom). */
export function matchingPreset(s: TrainSettings): PresetName | null {
  for (const name of Object.keys(PRESETS) as PresetName[]) {
    const p = PRESETS[name];
    if (
      p.hiddenLayers.length === s.hiddenLayers.length &&
      p.hiddenLayers.every((n, i) => n === s.hiddenLayers[i]) &&
      p.activation === s.activation &&
      p.init === s.init
    )
      return name;
  }
  return null;
}

export const SETTING_LABELS: Record<keyof TrainSettings, string> = {
  hiddenLayers: 'Hidden layers',
  activation: 'Activation',
  init: 'Initialisation',
  learningRate: 'Learning rate',
  iterations: 'Iterations',
  batchSize: 'Batch size',
  optimizer: 'Optimiser',
  l2: 'L2 regularisation',
  validationFraction: 'Validation fraction',
  seed: 'Seed',
  continueFromModel: 'Continue from the current model',
};

/**
 * What is wrong with the edited settings, in words naming the field, or null when they are valid.
 * The contract's own schema decides (the back end checks the same one); empty number fields arrive
 * as null/undefined from the inputs.
 */
export function settingsProblem(
  settings: { [K in keyof TrainSettings]: unknown }, // optional fields stay optional
  hiddenText: string,
): string | null {
  const hidden = parseHiddenLayers(hiddenText);
  if (!hidden.ok) return hidden.error;
  const parsed = TrainSettings.safeParse({ ...settings, hiddenLayers: hidden.value });
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0] as keyof TrainSettings | undefined;
  const label = key && key in SETTING_LABELS ? SETTING_LABELS[key] : 'Settings';
  const value = key ? settings[key] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${label}: type a number.`;
  return `${label}: ${value} is out of range (${issue?.message ?? 'invalid value'}).`;
}
