// The custom network editor's text fields <-> TrainSettings. Pure: parsing returns either a value or a
// message that says what is wrong with the text and what to type instead.

import { formatLayers, parseLayers } from '../../src-core/nn/spec.js';
import { PRESETS, TrainSettings } from '../../src-main/contract.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The network part of TrainSettings that the layers text decides. */
export type NetworkFields = Pick<TrainSettings, 'hiddenLayers' | 'layers'>;

/**
 * The layers field -> settings: dense-only text sets hiddenLayers (and no `layers`: the course's
 * form), text with a convolutional body sets `layers` (canonical) and hiddenLayers to its dense sizes.
 */
export function parseNetwork(text: string): Parsed<NetworkFields> {
  let config: ReturnType<typeof parseLayers>;
  try {
    config = parseLayers(text, 'relu'); // the engine's own reading; the activation does not change the shape
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const hiddenLayers = config.layerDims.slice(1, -1);
  if (!config.features) return { ok: true, value: { hiddenLayers } };
  return { ok: true, value: { hiddenLayers, layers: formatLayers(config) } };
}

/** The layers text of some settings: "c16,p,c32,p,c64,p,64", "20,7,5", "" (logistic regression). */
export function layersTextOf(s: NetworkFields): string {
  return s.layers ?? s.hiddenLayers.join(',');
}

/** How a network reads in the UI: "[12288, 20, 7, 5, 1]" for the course's nets, else "c16,p,…,64 → 1". */
export function networkLabel(s: NetworkFields): string {
  if (s.layers === undefined) return `[12288${s.hiddenLayers.map((n) => `, ${n}`).join('')}, 1]`;
  return `${s.layers} → 1`;
}

export type PresetName = keyof typeof PRESETS;

export const PRESET_LABELS: Record<PresetName, { title: string; detail: string }> = {
  logistic: { title: 'Logistic regression', detail: '[12288, 1]' },
  'two-layer': { title: '2-layer network', detail: '[12288, 7, 1]' },
  'four-layer': { title: '4-layer network', detail: '[12288, 20, 7, 5, 1]' },
  'small-cnn': { title: 'Small CNN', detail: 'c16,p,c32,p,c64,p,64 · for photos' },
};

/** The preset whose network shape, activation and initialisation `s` uses, or null (custom). */
export function matchingPreset(s: TrainSettings): PresetName | null {
  for (const name of Object.keys(PRESETS) as PresetName[]) {
    const p = PRESETS[name];
    if (layersTextOf(p) === layersTextOf(s) && p.activation === s.activation && p.init === s.init) return name;
  }
  return null;
}

export const SETTING_LABELS: Record<keyof TrainSettings, string> = {
  hiddenLayers: 'Layers',
  layers: 'Layers',
  augment: 'Augmentation',
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
  layersText: string,
): string | null {
  const network = parseNetwork(layersText);
  if (!network.ok) return network.error;
  const { layers: _, ...rest } = settings;
  const parsed = TrainSettings.safeParse({ ...rest, ...network.value });
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0] as keyof TrainSettings | undefined;
  const label = key && key in SETTING_LABELS ? SETTING_LABELS[key] : 'Settings';
  const value = key ? settings[key] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${label}: type a number.`;
  return `${label}: ${value} is out of range (${issue?.message ?? 'invalid value'}).`;
}
