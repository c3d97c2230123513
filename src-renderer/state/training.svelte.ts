// Section 2, Train: the settings being edited (presets or custom), the run in progress with its
// learning curve, and the last run's outcome or error.

import {
  type AppEvent,
  AugmentName,
  DEFAULT_SETTINGS,
  PRESETS,
  type TrainingRunSummary,
  type TrainSettings,
} from '../../src-main/contract.js';
import type { AppState } from './app.svelte.js';
import { errorMessage } from './errors.js';
import { type CostPoint, type Curve, emptyCurve, withCostHistory } from './learning-curve.js';
import { layersTextOf, matchingPreset, type PresetName, parseNetwork, settingsProblem } from './settings-form.js';
import { trainErrorAdvice } from './train-advice.js';

export type TrainProgress = Extract<AppEvent, { type: 'train-progress' }>;

export type { Curve } from './learning-curve.js';

export class TrainingState {
  settings = $state<TrainSettings>(structuredClone(DEFAULT_SETTINGS));
  /** The layers text field ("20,7,5", "c16,p,c32,p,64"); parsed into the settings' network when valid. */
  layersText = $state(layersTextOf(DEFAULT_SETTINGS));
  status = $state<'idle' | 'starting' | 'training' | 'stopping'>('idle');
  progress = $state.raw<TrainProgress | null>(null);
  /** Plain arrays (not proxied: thousands of points); `curveVersion` tells the chart to redraw. */
  curve: Curve = emptyCurve();
  curveVersion = $state(0);
  error = $state.raw<{ message: string; advice: string; keptModel: boolean } | null>(null);
  lastRun = $state.raw<TrainingRunSummary | null>(null);

  readonly preset = $derived<PresetName | null>(matchingPreset(this.settings));
  /** What is wrong with the settings, in words, or null when Train may be pressed. */
  readonly settingsError = $derived(settingsProblem(this.settings, this.layersText));
  readonly running = $derived(this.status !== 'idle');

  constructor(private readonly app: AppState) {}

  /** Replaces the edited settings (at start-up, new project, demo). */
  load(settings: TrainSettings): void {
    this.settings = structuredClone(settings);
    this.layersText = layersTextOf(settings);
  }

  applyPreset(name: PresetName): void {
    // Keep the data-related choices the user made; the preset sets the network and its optimiser.
    const { validationFraction, seed } = this.settings;
    this.load({ ...PRESETS[name], validationFraction, seed });
    // Saved with the project, so the choice survives a restart.
    void this.app.run('Saving the settings', () => this.app.api.updateSettings(this.snapshot()));
  }

  setLayersText(text: string): void {
    this.layersText = text;
    const parsed = parseNetwork(text);
    if (!parsed.ok) return;
    this.settings.hiddenLayers = parsed.value.hiddenLayers;
    if (parsed.value.layers === undefined) delete this.settings.layers;
    else this.settings.layers = parsed.value.layers;
  }

  /** Turns one augmentation on or off (the set stays in the contract's order). */
  setAugment(name: AugmentName, on: boolean): void {
    const now = new Set(this.settings.augment ?? []);
    if (on) now.add(name);
    else now.delete(name);
    this.settings.augment = AugmentName.options.filter((a) => now.has(a));
  }

  /** The settings as plain data (no proxies: they cross IPC / JSON). */
  snapshot(): TrainSettings {
    return $state.snapshot(this.settings) as TrainSettings;
  }

  async start(): Promise<void> {
    if (this.running || this.settingsError) return;
    const settings = this.snapshot();
    this.status = 'starting';
    this.error = null;
    this.progress = null;
    this.curve = emptyCurve();
    this.curveVersion++;
    await this.app.run('Saving the settings', () => this.app.api.updateSettings(settings));
    try {
      await this.app.api.startTraining(settings);
    } catch (err) {
      // Shown in the Train section (with what to do), where the user is looking.
      this.onError(errorMessage(err), this.app.project?.model != null);
      return;
    }
    if (this.status === 'starting') this.status = 'training';
  }

  async stop(): Promise<void> {
    if (this.status !== 'training' && this.status !== 'starting') return;
    this.status = 'stopping';
    const result = await this.app.run('Stopping training', () => this.app.api.stopTraining());
    if (result && !result.stopping) this.status = 'idle';
  }

  onProgress(event: TrainProgress): void {
    if (this.status === 'idle' || this.status === 'starting') this.status = 'training';
    this.progress = event;
    const c = this.curve;
    const last = c.iteration.length - 1;
    if (last >= 0 && event.iteration <= c.iteration[last]) return; // a repeated or late event
    c.iteration.push(event.iteration);
    c.cost.push(event.cost);
    c.train.push(event.trainAccuracy);
    c.validation.push(event.validationAccuracy ?? null);
    this.curveVersion++;
  }

  /** `costs`: the run's whole cost history; the chart then shows the full curve, not only the progress points. */
  onDone(run: TrainingRunSummary, costs?: readonly CostPoint[]): void {
    this.status = 'idle';
    this.lastRun = run;
    if (costs && costs.length > 0) {
      this.curve = withCostHistory(this.curve, costs);
      this.curveVersion++;
    }
  }

  onError(message: string, keptModel: boolean): void {
    this.status = 'idle';
    this.error = { message, advice: trainErrorAdvice(message), keptModel };
  }

  reset(): void {
    this.status = 'idle';
    this.progress = null;
    this.curve = emptyCurve();
    this.curveVersion++;
    this.error = null;
    this.lastRun = null;
  }
}
