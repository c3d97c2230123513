// Training runs for the app: builds the data from the library, runs the engine's trainer off the main
// thread, forwards progress at most 10 times a second, stops on request (the model trained so far is
// kept), and turns a failure (worker crash, divergence) into a 'train-error' event that keeps the
// previous model. One run at a time; a new run can start once the last one has finished.
// settings.continueFromModel starts from the current model (its network must match the settings).

import { type Model, N_X, type NetworkConfig } from '../../src-core/nn/model.js';
import { asTrainError, TrainError, type TrainErrorCode } from '../../src-core/train/errors.js';
import { pixelRunsOf } from '../../src-core/train/gather.js';
import { checkInitialModel } from '../../src-core/train/initial-model.js';
import { requestedNetwork } from '../../src-core/train/network-choice.js';
import type {
  PixelRuns,
  TrainingInput,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from '../../src-core/train/options.js';
import { TrainingWorker } from '../../src-core/train/trainer.js';
import { type AppEvent, splitOfRole, type TrainingRunSummary, type TrainSettings } from '../contract.js';
import { examplesOf } from './evaluation.js';
import { type LibraryImage, labelOf } from './library.js';

/** Held out from the training images when there are no test folders and the settings say 0. */
export const DEFAULT_HOLDOUT = 0.2;
/** At most this many 'train-progress' events per second. */
export const MAX_PROGRESS_PER_SECOND = 10;
/** After a stop request, a run that has not ended after this long is terminated. */
export const STOP_GRACE_MS = 2000;

/** A trainer off the main thread (the engine's worker, or a stand-in in tests). */
export interface RunningTrainer {
  /** The result (also when cancelled: the model so far); rejects when the worker fails or dies. */
  result: Promise<TrainResult>;
  /** Asks the loop to stop after the current iteration. */
  cancel(): void;
  /** Ends the worker at once (the result then rejects). */
  terminate(): Promise<void>;
}

export type StartTrainer = (
  data: TrainingInput,
  options: TrainOptions,
  onProgress: (p: TrainProgress) => void,
) => RunningTrainer;

/** The engine's worker thread (dist/core/worker.mjs). */
export const workerTrainer: StartTrainer = (data, options, onProgress) =>
  new TrainingWorker(data, options, { onProgress });

/**
 * X and Y of some images for train(): X as runs over the images' Dataset buffers when they are all
 * SharedArrayBuffer-backed (no pixel copy here; the worker gathers them: copying 20,000 images,
 * 245 MB, held the main thread 1-2 s), else one copied buffer.
 */
export function trainingExamplesOf(images: readonly LibraryImage[]): {
  X: Uint8Array | PixelRuns;
  Y: Uint8Array;
  m: number;
} {
  const runs = pixelRunsOf(images.map((image) => image.vector));
  if (!runs) return examplesOf(images);
  return { X: runs, Y: Uint8Array.from(images, (image) => labelOf(image.role)), m: images.length };
}

/** The validation fraction a run uses: the settings', or DEFAULT_HOLDOUT when there is nothing else to test on. */
export function effectiveHoldout(settings: TrainSettings, hasTestImages: boolean): number {
  if (hasTestImages) return settings.validationFraction;
  return settings.validationFraction > 0 ? settings.validationFraction : DEFAULT_HOLDOUT;
}

/** The engine's options for the app's settings (the same names and meanings). */
export function trainOptionsOf(settings: TrainSettings, validationFraction: number): TrainOptions {
  return {
    hiddenLayers: settings.hiddenLayers,
    ...(settings.layers !== undefined ? { layers: settings.layers } : {}),
    ...(settings.augment ? { augment: { ...settings.augment } } : {}),
    activation: settings.activation,
    init: settings.init,
    learningRate: settings.learningRate,
    iterations: settings.iterations,
    batchSize: settings.batchSize,
    optimizer: settings.optimizer,
    l2: settings.l2,
    validationFraction,
    seed: settings.seed,
  };
}

export type StartResult = { started: true } | { started: false; code: TrainErrorCode; message: string };

/** A message as a sentence for people: capitalised (the engine's start lower-case: "training options: ..."). */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export interface TrainingHost {
  emit(event: AppEvent): void;
  images(): readonly LibraryImage[];
  classNames(): [string, string];
  backendLabel(): string;
  /** The project's model: a run with settings.continueFromModel starts from it (null: continuing is refused). */
  currentModel(): Model | null;
  /** The run finished with a usable model (completed, cancelled or early-stopped). */
  finished(result: TrainResult, run: TrainingRunSummary): Promise<void>;
  /** The run produced no usable model; the previous one stays. */
  failed(run: TrainingRunSummary, failure: TrainError): Promise<void>;
}

export class TrainingService {
  private running: { trainer: RunningTrainer; stopTimer?: NodeJS.Timeout } | null = null;
  /** Settings of the latest run, with the validation fraction it really used. */
  lastRunSettings: TrainSettings | null = null;

  constructor(
    private readonly host: TrainingHost,
    private readonly startTrainer: StartTrainer,
  ) {}

  get busy(): boolean {
    return this.running !== null;
  }

  /** Starts a run; a run that cannot start is refused with the TrainError code and message (nothing thrown). */
  start(settings: TrainSettings): StartResult {
    try {
      return this.begin(settings);
    } catch (error) {
      const refusal = asTrainError(error);
      return { started: false, code: refusal.code, message: sentence(refusal.message) };
    }
  }

  private begin(settings: TrainSettings): { started: true } {
    if (this.running)
      throw new TrainError('worker-busy', 'Training is already running: stop it first, or wait for it to finish');
    const images = this.host.images();
    const train = images.filter((i) => splitOfRole(i.role) === 'train');
    const test = images.filter((i) => splitOfRole(i.role) === 'test');
    const positives = train.filter((i) => i.role === 'train-positive').length;
    const [positive, negative] = this.host.classNames();
    if (positives === 0 || positives === train.length)
      throw new TrainError(
        'no-data',
        `Training needs images of both classes: add a folder of '${positives === 0 ? positive : negative}' training images`,
      );
    const holdout = effectiveHoldout(settings, test.length > 0);
    const network = requestedNetwork(trainOptionsOf(settings, holdout), N_X); // 'bad-layers' before any copy
    const initialModel = settings.continueFromModel ? this.modelToContinue(network) : undefined;
    const runSettings: TrainSettings = { ...settings, validationFraction: holdout };
    const X = trainingExamplesOf(train);
    const T = test.length > 0 ? trainingExamplesOf(test) : null;
    const data: TrainingInput = {
      X: X.X,
      Y: X.Y,
      m: X.m,
      ...(T ? { Xtest: T.X, Ytest: T.Y, mtest: T.m } : {}),
    };
    const options: TrainOptions = {
      ...trainOptionsOf(settings, holdout),
      classNames: this.host.classNames(),
      progressIntervalMs: 1000 / MAX_PROGRESS_PER_SECOND,
      ...(initialModel ? { initialModel, threshold: initialModel.threshold } : {}),
    };
    const startedAt = new Date();
    let lastEmit = -Infinity;
    const backend = this.host.backendLabel();
    const trainer = this.startTrainer(data, options, (p) => {
      const now = performance.now();
      if (now - lastEmit < 1000 / MAX_PROGRESS_PER_SECOND && p.iteration < p.iterations) return;
      lastEmit = now;
      this.host.emit({
        type: 'train-progress',
        iteration: p.iteration,
        iterations: p.iterations,
        cost: p.cost,
        trainAccuracy: p.trainAccuracy,
        ...(p.validationAccuracy !== undefined ? { validationAccuracy: p.validationAccuracy } : {}),
        iterationsPerSecond: p.iterationsPerSecond,
        elapsedSeconds: p.elapsedSeconds,
        etaSeconds: p.etaSeconds,
        backend,
      });
    });
    this.running = { trainer };
    this.lastRunSettings = runSettings;
    void this.finish(trainer, runSettings, startedAt);
    return { started: true };
  }

  /** The current model, checked against the settings' network; throws saying what to change. */
  private modelToContinue(network: NetworkConfig): Model {
    const model = this.host.currentModel();
    if (!model)
      throw new TrainError(
        'bad-initial-model',
        'There is no current model to continue from: train one or open an .onnx file first, or untick "Continue from the current model"',
      );
    try {
      checkInitialModel(model, network);
    } catch (error) {
      const why = (error instanceof Error ? error.message : String(error)).replace(
        /^training options: the model/,
        'the model',
      );
      throw new TrainError('bad-initial-model', `Cannot continue from the current model: ${why}`);
    }
    return model;
  }

  /** Asks the run to stop; the model trained so far is kept. false when nothing runs. */
  stop(): { stopping: boolean } {
    const running = this.running;
    if (!running) return { stopping: false };
    running.trainer.cancel();
    running.stopTimer ??= setTimeout(() => void running.trainer.terminate(), STOP_GRACE_MS);
    return { stopping: true };
  }

  /** Ends any run at once (app quitting). */
  async dispose(): Promise<void> {
    const running = this.running;
    if (running) {
      clearTimeout(running.stopTimer);
      await running.trainer.terminate();
    }
  }

  private async finish(trainer: RunningTrainer, settings: TrainSettings, startedAt: Date): Promise<void> {
    const seconds = () => (Date.now() - startedAt.getTime()) / 1000;
    try {
      let result: TrainResult;
      try {
        result = await trainer.result;
      } finally {
        clearTimeout(this.running?.stopTimer);
        this.running = null;
      }
      const run: TrainingRunSummary = {
        startedAt: startedAt.toISOString(),
        settings,
        iterations: result.iterations,
        finalCost: result.finalCost,
        trainAccuracy: result.trainAccuracy,
        ...(result.validationAccuracy !== undefined ? { validationAccuracy: result.validationAccuracy } : {}),
        ...(result.testAccuracy !== undefined ? { testAccuracy: result.testAccuracy } : {}),
        stopped: result.stopped,
        seconds: result.seconds,
      };
      if (result.stopped === 'diverged') {
        await this.host.failed(
          run,
          new TrainError('diverged', result.message ?? 'Training diverged (the cost became infinite or NaN)'),
        );
        return;
      }
      // Stopped before any step: its parameters are the untrained initialisation; never let them
      // replace a trained model.
      if (result.stopped === 'cancelled' && result.iterations === 0 && this.host.currentModel() !== null) {
        await this.host.failed(
          run,
          new TrainError('cancelled', 'Training was stopped before its first iteration; the previous model is kept'),
        );
        return;
      }
      await this.host.finished(result, run);
    } catch (error) {
      const run: TrainingRunSummary = {
        startedAt: startedAt.toISOString(),
        settings,
        iterations: 0,
        finalCost: Number.NaN,
        trainAccuracy: 0,
        stopped: 'failed',
        seconds: seconds(),
      };
      const failure = asTrainError(error);
      await this.host.failed(run, new TrainError(failure.code, sentence(failure.message))).catch(() => undefined);
    }
  }
}
