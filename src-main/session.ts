// What the per-feature handlers (src-main/handlers/*) share: the services of one user-data folder
// and the open project. Backend implements it; handlers get only this, never each other.

import type { Handlers } from './api-handlers.js';
import type { ModelInfo, ProjectState, Role } from './contract.js';
import type { EventHub } from './events.js';
import type { BatchClassifier } from './services/batch-classify.js';
import type { EvaluationCache } from './services/evaluation-cache.js';
import type { Library } from './services/library.js';
import type { ModelKeeper } from './services/model.js';
import type { ProjectStore, SavedProject } from './services/project.js';
import type { ProjectShelf } from './services/projects.js';
import type { TrainingService } from './services/training.js';
import type { UploadStore } from './services/uploads.js';

/** Native dialogs (Electron). Each resolves to a path, or null when the user cancels. */
export interface Dialogs {
  chooseFolder(role: Role): Promise<string | null>;
  chooseImage(): Promise<string | null>;
  chooseModelToOpen(): Promise<string | null>;
  chooseExportPath(defaultName: string): Promise<string | null>;
  /** A folder of images to classify in one go. */
  chooseFolderToClassify?(): Promise<string | null>;
}

export interface Session {
  readonly userData: string;
  readonly transport: 'electron' | 'browser';
  readonly dialogs: Dialogs | undefined;
  readonly events: EventHub;
  readonly store: ProjectStore;
  /** The named projects that are not open. */
  readonly shelf: ProjectShelf;
  readonly library: Library;
  readonly models: ModelKeeper;
  readonly training: TrainingService;
  readonly uploads: UploadStore;
  readonly batch: BatchClassifier;
  readonly scores: EvaluationCache;
  /** The open project as saved (mutated by handlers, then `changed()`). */
  saved: SavedProject;
  /** Folders of the project that could not be read when it was opened (kept in it, listed as missing). */
  missingFolders: { role: Role; path: string }[];
  projectState(): ProjectState;
  /** Saves the project and tells every transport; returns the new state. */
  changed(): Promise<ProjectState>;
  /** Starts over from `saved`: no images, no model, nothing derived from them, no notices. */
  reset(saved: SavedProject): void;
  /** Opens `saved` as the project: saves it, imports its folders and restores its model (last-model.onnx). */
  reopen(saved: SavedProject): Promise<ProjectState>;
  /** One-off information for the UI, sent with the project state until the next project. */
  notify(notice: string): void;
  /** Makes `model` current (saved as the last model, verified) with `info` in the project. */
  setModel(model: Parameters<ModelKeeper['replace']>[0], info: ModelInfo): Promise<void>;
  /** A few images that verify a saved model against onnxruntime. */
  sample(): { pixels: Uint8Array; m: number };
  /** Import hooks that turn progress into 'import-progress' events. */
  importHooks(): Parameters<Library['addFolder']>[2];
}

/** A group of handlers for one feature. */
export type HandlerGroup<K extends keyof Handlers> = Pick<Handlers, K>;

/** Browser mode (and tests) give paths: there is no native dialog to fall back on. */
export function needPath(what: string): never {
  throw new Error(`${what}: give its full path (browser mode has no file dialog)`);
}
