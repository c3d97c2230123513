// The back end behind both transports: builds the services for one user-data folder, keeps the
// project, and maps every API method to a service call. No Electron here: Electron-only abilities
// (native dialogs) come in through `Dialogs`; browser mode and tests pass paths instead.

import { mkdir } from 'node:fs/promises';
import { callApi, type Handlers } from './api-handlers.js';
import type { ApiResponse, EngineInfo, ProjectState, Role } from './contract.js';
import { EventHub } from './events.js';
import { engineInfo } from './services/engine.js';
import { emptyProject, ProjectStore, type SavedProject } from './services/project.js';

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
}

export class Backend {
  readonly events = new EventHub();
  readonly store: ProjectStore;
  readonly handlers: Handlers;
  private saved: SavedProject = emptyProject();
  private notice: string | undefined;

  private constructor(readonly options: BackendOptions) {
    this.store = new ProjectStore(options.userData);
    this.handlers = this.makeHandlers();
  }

  static async create(options: BackendOptions): Promise<Backend> {
    await mkdir(options.userData, { recursive: true });
    const backend = new Backend(options);
    const loaded = await backend.store.load();
    backend.saved = loaded.project;
    backend.notice = loaded.notice;
    return backend;
  }

  /** The transports' single entry point: validates, dispatches, never throws. */
  call(method: string, args: unknown): Promise<ApiResponse> {
    return callApi(this.handlers, method, args);
  }

  projectState(): ProjectState {
    const s = this.saved;
    return {
      classNames: s.classNames,
      folders: s.folders.map((f) => ({ ...f, accepted: 0, skipped: 0 })),
      counts: { 'train-positive': 0, 'train-negative': 0, 'test-positive': 0, 'test-negative': 0 },
      warnings: [],
      settings: s.settings,
      model: s.model,
      history: s.history,
      ...(this.notice ? { notice: this.notice } : {}),
    };
  }

  async dispose(): Promise<void> {}

  /** Saves and tells every transport; returns the new state. */
  private async changed(): Promise<ProjectState> {
    await this.store.save(this.saved);
    const project = this.projectState();
    this.events.emit({ type: 'project', project });
    return project;
  }

  private makeHandlers(): Handlers {
    const notYet = async (): Promise<never> => {
      throw new Error('This part of catnet is not available in this build yet.');
    };
    return {
      engineInfo: async () => engineInfo(this.options.transport),
      getProject: async () => this.projectState(),
      newProject: async () => {
        this.saved = emptyProject();
        this.notice = undefined;
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
      addFolder: notYet,
      removeFolder: notYet,
      removeImage: notYet,
      listImages: notYet,
      thumbnails: notYet,
      lastImportReports: async () => [],
      createDemo: notYet,
      startTraining: notYet,
      stopTraining: notYet,
      evaluate: notYet,
      classifyImage: notYet,
      classifyFile: notYet,
      classifyBytes: notYet,
      exportModel: notYet,
      openModel: notYet,
    };
  }
}
