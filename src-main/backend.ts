// The back end behind both transports: builds the services for one user-data folder, keeps the open
// project, and lists the API's handlers, one group per feature (src-main/handlers/*), as fiddle's
// IPC table does. No Electron here: Electron-only abilities (native dialogs) come in through
// `Dialogs`; browser mode and tests pass paths instead.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type FolderLock, lockFolder } from '../src-core/fsio/folder-lock.js';
import { N_X } from '../src-core/nn/model.js';
import { asTrainError, type TrainError } from '../src-core/train/errors.js';
import type { TrainResult } from '../src-core/train/options.js';
import { callApi, type Handlers, messageOf } from './api-handlers.js';
import type { ApiResponse, EngineInfo, ModelInfo, ProjectState, Role, TrainingRunSummary } from './contract.js';
import { EventHub } from './events.js';
import { classifyHandlers } from './handlers/classify.js';
import { folderHandlers } from './handlers/folders.js';
import { learnedHandlers } from './handlers/learned.js';
import { modelHandlers } from './handlers/model.js';
import { projectHandlers } from './handlers/project.js';
import { trainingHandlers } from './handlers/training.js';
import { BatchClassifier } from './services/batch-classify.js';
import { backendLabel } from './services/engine.js';
import { EvaluationCache } from './services/evaluation-cache.js';
import { Library } from './services/library.js';
import { fallbackSample, ModelKeeper, modelInfo } from './services/model.js';
import { emptyProject, ProjectStore, type SavedProject } from './services/project.js';
import { ProjectShelf } from './services/projects.js';
import { type StartTrainer, TrainingService, workerTrainer } from './services/training.js';
import { type UploadLimits, UploadStore, uploadLimitsFromEnv } from './services/uploads.js';
import { projectWarnings } from './services/warnings.js';
import type { Dialogs, Session } from './session.js';

export type { Dialogs };

export interface BackendOptions {
  userData: string;
  transport: EngineInfo['transport'];
  dialogs?: Dialogs;
  /** How training runs off the main thread; default: the engine's worker (dist/core/worker.mjs). */
  startTrainer?: StartTrainer;
  /** Caps on folders uploaded from a browser; default from CATNET_UPLOAD_* or DEFAULT_UPLOAD_LIMITS. */
  uploadLimits?: UploadLimits;
}

/** Images used to verify every saved model against onnxruntime. */
const VERIFY_SAMPLE = 8;

export class Backend implements Session {
  readonly events = new EventHub();
  readonly store: ProjectStore;
  readonly shelf: ProjectShelf;
  readonly library: Library;
  readonly models: ModelKeeper;
  readonly training: TrainingService;
  readonly uploads: UploadStore;
  readonly batch = new BatchClassifier();
  readonly scores = new EvaluationCache();
  readonly handlers: Handlers;
  saved: SavedProject = emptyProject();
  missingFolders: { role: Role; path: string }[] = [];
  private notices: string[] = [];
  private ready: Promise<void> = Promise.resolve();
  /** This instance's hold on the user-data folder (one writer per folder), released by dispose. */
  private lock: FolderLock | undefined;

  private constructor(readonly options: BackendOptions) {
    this.store = new ProjectStore(options.userData);
    this.shelf = new ProjectShelf(options.userData);
    this.uploads = new UploadStore(options.userData, options.uploadLimits ?? uploadLimitsFromEnv());
    this.library = new Library(join(options.userData, 'cache'), (path) => this.uploads.displayPath(path));
    this.models = new ModelKeeper(options.userData);
    this.training = new TrainingService(this.trainingHost(), options.startTrainer ?? workerTrainer);
    // The API, one group per feature.
    this.handlers = {
      ...projectHandlers(this),
      ...folderHandlers(this),
      ...trainingHandlers(this),
      ...classifyHandlers(this),
      ...modelHandlers(this),
      ...learnedHandlers(this),
    };
  }

  get userData(): string {
    return this.options.userData;
  }
  get transport(): EngineInfo['transport'] {
    return this.options.transport;
  }
  get dialogs(): Dialogs | undefined {
    return this.options.dialogs;
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
    await backend.uploads.removeAbandoned();
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
      ...(s.name ? { name: s.name } : {}),
      classNames: s.classNames,
      folders: [
        ...this.library
          .folderList()
          .map((f) => (this.uploads.isUploaded(f.path) ? { ...f, label: this.uploads.displayPath(f.path) } : f)),
        ...this.missingFolders.map((f) => ({ ...f, accepted: 0, skipped: 0, missing: true })),
      ],
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

  async reopen(saved: SavedProject): Promise<ProjectState> {
    this.reset(saved);
    await this.store.save(saved);
    this.ready = this.restore();
    await this.ready;
    return this.projectState();
  }

  notify(notice: string): void {
    this.notices.push(notice);
  }

  private async restore(): Promise<void> {
    this.library.removed.clear();
    for (const path of this.saved.removedImages) this.library.removed.add(path);
    for (const folder of this.saved.folders) {
      try {
        await this.library.addFolder(folder.role, folder.path, this.importHooks());
      } catch (error) {
        // Kept in the project (a drive may come back); listed as missing until added or removed.
        this.missingFolders.push({ role: folder.role, path: folder.path });
        this.notices.push(`The folder ${folder.path} could not be imported again (${messageOf(error)}).`);
      }
    }
    if (this.missingFolders.length > 0)
      this.notices.push(
        `${this.missingFolders.length} folder(s) of this project are missing; everything else was kept. ` +
          'Add them again from where they are now, or remove them.',
      );
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

  importHooks() {
    return {
      classNames: this.saved.classNames,
      onProgress: (role: Role, folder: string, p: { done: number; total: number; rate: number }) =>
        this.events.emit({ type: 'import-progress', role, folder, done: p.done, total: p.total, rate: p.rate }),
    };
  }

  /** Saves and tells every transport; returns the new state. */
  async changed(): Promise<ProjectState> {
    this.saved.folders = [
      ...this.library.folderList().map(({ role, path }) => ({ role, path })),
      ...this.missingFolders,
    ];
    this.saved.removedImages = [...this.library.removed];
    await this.store.save(this.saved);
    const project = this.projectState();
    this.events.emit({ type: 'project', project });
    return project;
  }

  sample(): { pixels: Uint8Array; m: number } {
    const images = this.library.all().slice(0, VERIFY_SAMPLE);
    if (images.length === 0) return fallbackSample();
    const pixels = new Uint8Array(images.length * N_X);
    for (const [i, image] of images.entries()) pixels.set(image.vector, i * N_X);
    return { pixels, m: images.length };
  }

  async setModel(model: Parameters<ModelKeeper['replace']>[0], info: ModelInfo): Promise<void> {
    await this.models.replace(model, this.sample());
    this.scores.clear();
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
          await this.recordFailure(run, asTrainError(error, 'internal'), 'The trained model could not be saved: ');
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
      failed: (run: TrainingRunSummary, failure: TrainError) => this.recordFailure(run, failure),
    };
  }

  private async recordFailure(run: TrainingRunSummary, failure: TrainError, prefix = ''): Promise<void> {
    this.saved.history.push({ ...run, stopped: run.stopped === 'diverged' ? 'diverged' : 'failed' });
    await this.changed().catch(() => undefined);
    this.events.emit({
      type: 'train-error',
      code: failure.code,
      message: prefix + failure.message,
      keptModel: this.models.model !== null,
    });
  }

  /** Starts over from `saved`: no images, no model, nothing derived from them, no notices. */
  reset(saved: SavedProject): void {
    this.saved = saved;
    this.notices = [];
    this.missingFolders = [];
    this.library.clear();
    this.models.clear();
    this.scores.clear();
    this.batch.clear();
  }
}
