// Section 2, Train: the settings being edited (presets or custom), the run in progress with its
// learning curve, and the last run's outcome or error.

import {
  type AppEvent,
  AUGMENT_SHIFT,
  type CatnetApi,
  DEFAULT_SETTINGS,
  PRESETS,
  type TrainErrorCode,
  type TrainingRunSummary,
  type TrainSettings,
} from '../../src-main/contract.js';
import { errorMessage, type Run } from './errors.js';
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
  error = $state.raw<{ code: TrainErrorCode; message: string; advice: string; keptModel: boolean } | null>(null);
  lastRun = $state.raw<TrainingRunSummary | null>(null);

  readonly preset = $derived<PresetName | null>(matchingPreset(this.settings));
  /** What is wrong with the settings, in words, or null when Train may be pressed. */
  readonly settingsError = $derived(settingsProblem(this.settings, this.layersText));
  readonly running = $derived(this.status !== 'idle');

  /** `hasModel`: whether the project has a model now (a failed start then says it is kept). */
  constructor(
    private readonly api: CatnetApi,
    private readonly run: Run,
    private readonly hasModel: () => boolean,
  ) {}

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
    void this.run('Saving the settings', () => this.api.updateSettings(this.snapshot()));
  }

  setLayersText(text: string): void {
    this.layersText = text;
    const parsed = parseNetwork(text);
    if (!parsed.ok) return;
    this.settings.hiddenLayers = parsed.value.hiddenLayers;
    if (parsed.value.layers === undefined) delete this.settings.layers;
    else this.settings.layers = parsed.value.layers;
  }

  /** Turns the flip or the shift (AUGMENT_SHIFT pixels) on or off. */
  setAugment(kind: 'flip' | 'shift', on: boolean): void {
    const now = this.settings.augment ?? { flip: false, shift: 0 };
    this.settings.augment = kind === 'flip' ? { ...now, flip: on } : { ...now, shift: on ? AUGMENT_SHIFT : 0 };
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
    await this.run('Saving the settings', () => this.api.updateSettings(settings));
    // A refusal (or a failed call) is shown in the Train section, with what to do, where the user is looking.
    let started: Awaited<ReturnType<CatnetApi['startTraining']>>;
    try {
      started = await this.api.startTraining(settings);
    } catch (err) {
      this.onError('internal', errorMessage(err), this.hasModel());
      return;
    }
    if (!started.started) this.onError(started.code, started.message, this.hasModel());
    else if (this.status === 'starting') this.status = 'training';
  }

  async stop(): Promise<void> {
    if (this.status !== 'training' && this.status !== 'starting') return;
    this.status = 'stopping';
    const result = await this.run('Stopping training', () => this.api.stopTraining());
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

  onError(code: TrainErrorCode, message: string, keptModel: boolean): void {
    this.status = 'idle';
    this.error = { code, message, advice: trainErrorAdvice(code), keptModel };
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
