// The back end behind both transports: builds the services for one user-data folder, keeps the
// project, and maps every API method to a service call. No Electron here: Electron-only abilities
// (native dialogs) come in through `Dialogs`; browser mode and tests pass paths instead.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { preprocessImage } from '../src-core/data/index.js';
import { type FolderLock, lockFolder } from '../src-core/fsio/folder-lock.js';
import { type Model, N_X } from '../src-core/nn/model.js';
import type { TrainResult } from '../src-core/train/options.js';
import { callApi, type Handlers, messageOf } from './api-handlers.js';
import type { ApiResponse, EngineInfo, ModelInfo, ProjectState, Role, TrainingRunSummary } from './contract.js';
import { EventHub } from './events.js';
import { predictFile, predictLoaded, predictVector } from './services/classify.js';
import { DEMO_CLASS_NAMES, writeDemoImages } from './services/demo.js';
import { backendLabel, engineInfo } from './services/engine.js';
import { evaluationAt, type ScoredSplit, scoreSplit } from './services/evaluation.js';
import { Library, type LibraryImage } from './services/library.js';
import { fallbackSample, ModelKeeper, modelInfo } from './services/model.js';
import { predictChunked } from './services/predict-chunked.js';
import { emptyProject, ProjectStore, type SavedProject } from './services/project.js';
import { effectiveHoldout, type StartTrainer, TrainingService, workerTrainer } from './services/training.js';
import { projectWarnings } from './services/warnings.js';

/** Native dialogs (Electron). Each resolves to a path, or null when the user cancels. */
export interface Dialogs {
  chooseFolder(role: Role): Promise<string | null>;
  chooseImage(): Promise<string | null>;
  chooseModelToOpen(): Promise<string | null>;
  chooseExportPath(defaultName: string): Promise<string | null>;
}

export interface BackendOptions {
  userData: string;
  transport: EngineInfo['transport'];
  dialogs?: Dialogs;
  /** How training runs off the main thread; default: the engine's worker (dist/core/worker.mjs). */
  startTrainer?: StartTrainer;
}

/** Images used to verify every saved model against onnxruntime. */
const VERIFY_SAMPLE = 8;

export class Backend {
  readonly events = new EventHub();
  readonly store: ProjectStore;
  readonly library: Library;
  readonly models: ModelKeeper;
  readonly training: TrainingService;
  readonly handlers: Handlers;
  private saved: SavedProject = emptyProject();
  private notices: string[] = [];
  /** Probabilities of images under the current model, by id (cleared when the model changes). */
  private probabilities = new Map<number, number>();
  /** The last evaluation's probabilities: a new threshold on the same model, images and split reuses them. */
  private scored: {
    model: Model;
    images: readonly LibraryImage[];
    fraction: number;
    seed: number;
    split: Promise<ScoredSplit>;
  } | null = null;
  private ready: Promise<void> = Promise.resolve();
  /** This instance's hold on the user-data folder (one writer per folder), released by dispose. */
  private lock: FolderLock | undefined;

  private constructor(readonly options: BackendOptions) {
    this.store = new ProjectStore(options.userData);
    this.library = new Library(join(options.userData, 'cache'));
    this.models = new ModelKeeper(options.userData);
    this.training = new TrainingService(this.trainingHost(), options.startTrainer ?? workerTrainer);
    this.handlers = this.makeHandlers();
  }

  /**
   * Locks the user-data folder (throws FolderLocked, naming the holder, when another running catnet
   * uses it), then reads the saved project; folders are re-imported (from the cache) before the first
   * API call is served.
   */
  static async create(options: BackendOptions): Promise<Backend> {
    await mkdir(options.userData, { recursive: true });
    const lock = await lockFolder(options.userData, options.transport);
    const backend = new Backend(options);
    backend.lock = lock;
    const loaded = await backend.store.load();
    backend.saved = loaded.project;
    if (loaded.notice) backend.notices.push(loaded.notice);
    backend.ready = backend.restore();
    void backend.ready.then(() => backend.models.warmUp()).catch(() => undefined);
    return backend;
  }

  /** The transports' single entry point: validates, dispatches, never throws. */
  async call(method: string, args: unknown): Promise<ApiResponse> {
    if (method !== 'engineInfo') await this.ready;
    return callApi(this.handlers, method, args);
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  projectState(): ProjectState {
    const s = this.saved;
    const counts = this.library.counts();
    return {
      classNames: s.classNames,
      folders: this.library.folderList(),
      counts,
      warnings: projectWarnings(counts, s.classNames, this.library.inBothClasses()),
      settings: s.settings,
      model: s.model,
      history: s.history,
      ...(this.notices.length > 0 ? { notice: this.notices.join(' ') } : {}),
    };
  }

  async dispose(): Promise<void> {
    await this.training.dispose();
    await this.lock?.release();
  }

  private async restore(): Promise<void> {
    this.library.removed.clear();
    for (const path of this.saved.removedImages) this.library.removed.add(path);
    for (const folder of this.saved.folders) {
      try {
        await this.library.addFolder(folder.role, folder.path, {
          classNames: this.saved.classNames,
          onProgress: (role, path, p) => this.emitImportProgress(role, path, p),
        });
      } catch (error) {
        this.notices.push(`The folder ${folder.path} could not be imported again (${messageOf(error)}).`);
      }
    }
    const notice = await this.models.restore(this.saved.model !== null);
    if (notice) {
      this.notices.push(notice);
      this.saved.model = null;
    } else if (this.models.model && this.saved.model) {
      // The description comes from the model file: a crash between saving the model and saving the
      // project (setModel, then changed) leaves project.json describing the previous model.
      this.saved.model = modelInfo(this.models.model, this.saved.model.source);
    }
    // A UI that connected while the folders were re-imported gets the complete project.
    this.events.emit({ type: 'project', project: this.projectState() });
  }

  private emitImportProgress(role: Role, folder: string, p: { done: number; total: number; rate: number }): void {
    this.events.emit({ type: 'import-progress', role, folder, done: p.done, total: p.total, rate: p.rate });
  }

  /** Saves and tells every transport; returns the new state. */
  private async changed(): Promise<ProjectState> {
    this.saved.folders = this.library.folderList().map(({ role, path }) => ({ role, path }));
    this.saved.removedImages = [...this.library.removed];
    await this.store.save(this.saved);
    const project = this.projectState();
    this.events.emit({ type: 'project', project });
    return project;
  }

  private sample(): { pixels: Uint8Array; m: number } {
    const images = this.library.all().slice(0, VERIFY_SAMPLE);
    if (images.length === 0) return fallbackSample();
    const pixels = new Uint8Array(images.length * N_X);
    for (const [i, image] of images.entries()) pixels.set(image.vector, i * N_X);
    return { pixels, m: images.length };
  }

  private async setModel(model: Parameters<ModelKeeper['replace']>[0], info: ModelInfo): Promise<void> {
    await this.models.replace(model, this.sample());
    this.probabilities.clear();
    this.scored = null;
    this.saved.model = info;
  }

  private trainingHost() {
    return {
      emit: (event: Parameters<EventHub['emit']>[0]) => this.events.emit(event),
      images: () => this.library.all(),
      classNames: () => this.saved.classNames,
      backendLabel,
      currentModel: () => this.models.model,
      finished: async (result: TrainResult, run: TrainingRunSummary) => {
        const info = modelInfo(result.model, 'trained');
        try {
          await this.setModel(result.model, info);
        } catch (error) {
          await this.recordFailure(run, `The trained model could not be saved: ${messageOf(error)}`);
          return;
        }
        this.saved.history.push(run);
        await this.changed();
        this.events.emit({
          type: 'train-done',
          run,
          model: info,
          ...(result.costHistory ? { costs: result.costHistory } : {}),
        });
      },
      failed: (run: TrainingRunSummary, message: string) => this.recordFailure(run, message),
    };
  }

  private async recordFailure(run: TrainingRunSummary, message: string): Promise<void> {
    this.saved.history.push({ ...run, stopped: run.stopped === 'diverged' ? 'diverged' : 'failed' });
    await this.changed().catch(() => undefined);
    this.events.emit({ type: 'train-error', message, keptModel: this.models.model !== null });
  }

  /** Starts over from `saved`: no images, no model, nothing derived from them, no notices. */
  private reset(saved: SavedProject): void {
    this.saved = saved;
    this.notices = [];
    this.library.clear();
    this.models.clear();
    this.probabilities.clear();
    this.scored = null;
  }

  private needPath(what: string): never {
    throw new Error(`${what}: give its full path (browser mode has no file dialog)`);
  }

  private makeHandlers(): Handlers {
    const dialogs = this.options.dialogs;
    return {
      engineInfo: async () => engineInfo(this.options.transport),
      getProject: async () => this.projectState(),
      newProject: async () => {
        if (this.training.busy) throw new Error('Stop the training before starting a new project');
        this.reset(emptyProject());
        return this.changed();
      },
      setClassNames: async (names) => {
        this.saved.classNames = [names[0], names[1]];
        return this.changed();
      },
      updateSettings: async (settings) => {
        this.saved.settings = settings;
        return this.changed();
      },
      addFolder: async (role, path) => {
        const folder = path ?? (dialogs ? await dialogs.chooseFolder(role) : this.needPath('To add a folder'));
        if (folder === null) return null;
        const report = await this.library.addFolder(role, folder, {
          classNames: this.saved.classNames,
          onProgress: (r, f, p) => this.emitImportProgress(r, f, p),
        });
        await this.changed();
        this.events.emit({ type: 'import-done', report });
        return report;
      },
      removeFolder: async (role, path) => {
        if (!this.library.removeFolder(role, path)) throw new Error(`${path} is not a ${role} folder of this project`);
        return this.changed();
      },
      removeImage: async (id) => {
        this.library.removeImage(id);
        return this.changed();
      },
      listImages: async (role, offset, limit) => {
        const page = this.library.list(role, offset, limit);
        const model = this.models.model;
        if (!model) return page;
        const missing = page.images.filter((i) => !this.probabilities.has(i.id));
        if (missing.length > 0) {
          const vectors = missing.map((entry) => this.library.image(entry.id).vector);
          const P = await predictChunked(model, vectors, missing.length);
          for (const [k, entry] of missing.entries()) this.probabilities.set(entry.id, P[k]!);
        }
        return {
          total: page.total,
          images: page.images.map((i) => ({ ...i, probability: this.probabilities.get(i.id) })),
        };
      },
      thumbnails: (ids) => this.library.thumbnails(ids),
      lastImportReports: async () => this.library.reports(),
      createDemo: async () => {
        if (this.training.busy) throw new Error('Stop the training before creating the demo project');
        const folders = await writeDemoImages(this.options.userData);
        this.reset({ ...emptyProject(), settings: this.saved.settings, classNames: DEMO_CLASS_NAMES });
        for (const [role, folder] of [
          ['train-positive', folders.positive],
          ['train-negative', folders.negative],
        ] as const) {
          const report = await this.library.addFolder(role, folder, {
            classNames: DEMO_CLASS_NAMES,
            onProgress: (r, f, p) => this.emitImportProgress(r, f, p),
          });
          this.events.emit({ type: 'import-done', report });
        }
        return this.changed();
      },
      startTraining: async (settings) => {
        this.saved.settings = settings;
        const started = this.training.start(settings);
        await this.store.save(this.saved);
        return started;
      },
      stopTraining: async () => this.training.stop(),
      evaluate: async (threshold) => {
        const model = this.models.model;
        if (!model) return null;
        const settings = this.training.lastRunSettings ?? this.saved.settings;
        const images = this.library.all();
        const fraction = effectiveHoldout(
          settings,
          images.some((i) => i.role.startsWith('test-')),
        );
        const { seed } = settings;
        const last = this.scored;
        if (
          !last ||
          last.model !== model ||
          last.images !== images ||
          last.fraction !== fraction ||
          last.seed !== seed
        ) {
          const split = scoreSplit(model, images, { fraction, seed });
          this.scored = { model, images, fraction, seed, split };
          // A failed scoring is not kept: the next call tries again.
          split.catch(() => {
            if (this.scored?.split === split) this.scored = null;
          });
        }
        return evaluationAt(await this.scored!.split, threshold);
      },
      classifyImage: async (id) => predictVector(this.models.require(), this.library.image(id).vector),
      classifyFile: async (path) => {
        this.models.require();
        const file = path ?? (dialogs ? await dialogs.chooseImage() : this.needPath('To classify a file'));
        if (file === null) return null;
        return predictFile(this.models.require(), file);
      },
      classifyBytes: async (base64, name) => {
        const bytes = Buffer.from(base64.replace(/^data:[^,]*,/, ''), 'base64');
        const model = this.models.require();
        return predictLoaded(model, () => preprocessImage(bytes, { resize: model.resize }), name);
      },
      exportModel: async (path) => {
        this.models.require();
        const defaultName = `${this.saved.classNames[0].replace(/[^\w.-]+/g, '-')}-classifier.onnx`;
        const target = path ?? (dialogs ? await dialogs.chooseExportPath(defaultName) : this.needPath('To export'));
        if (target === null) return null;
        return this.models.exportTo(target, this.sample());
      },
      openModel: async (path) => {
        const file = path ?? (dialogs ? await dialogs.chooseModelToOpen() : this.needPath('To open a model'));
        if (file === null) return null;
        const model = await this.models.open(file);
        const info = modelInfo(model, file);
        await this.setModel(model, info);
        this.saved.classNames = [...model.classNames];
        await this.changed();
        return info;
      },
    };
  }
}
