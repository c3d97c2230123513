// The one API between the UI and the rest of catnet, declared once. Two transports implement it:
// Electron IPC (preload.ts -> ipc.ts) and browser mode (web.ts over local HTTP + server-sent events).
// Every method's arguments are validated against the zod schemas below on the receiving side; the
// renderer is untrusted. Results are plain JSON-compatible data (no typed arrays, no class instances);
// arguments too, except uploadFile's bytes (a Uint8Array over IPC, the raw request body over HTTP).

import { z } from 'zod';
import type { Activation } from '../src-core/kernels/activations.js';
import type { InitMethod } from '../src-core/nn/init.js';
import type { Augmentation as CoreAugmentation } from '../src-core/train/augment.js';
import type { TrainErrorCode } from '../src-core/train/errors.js';
import type { Metrics as CoreMetrics } from '../src-core/train/metrics.js';
import type { OptimizerName as CoreOptimizerName } from '../src-core/train/optimizers.js';
import { PRESETS as CORE_PRESETS, PRESET_IDS, type PresetId } from '../src-core/train/presets.js';
import { API_METHOD_NAMES, type ApiMethodName, channelOf, EVENT_CHANNEL } from './channels.js';

// ---------- shared value types ----------

export const Role = z.enum(['train-positive', 'train-negative', 'test-positive', 'test-negative']);
export type Role = z.infer<typeof Role>;

/** What a role means: the split its images serve and their class. Read roles through this, never their spelling. */
export interface RoleParts {
  split: 'train' | 'test';
  class: 'positive' | 'negative';
}
export const ROLE_PARTS: Readonly<Record<Role, RoleParts>> = {
  'train-positive': { split: 'train', class: 'positive' },
  'train-negative': { split: 'train', class: 'negative' },
  'test-positive': { split: 'test', class: 'positive' },
  'test-negative': { split: 'test', class: 'negative' },
};
/** Label of a role's images: 1 = positive class (classNames[0]). */
export const labelOfRole = (role: Role): 0 | 1 => (ROLE_PARTS[role].class === 'positive' ? 1 : 0);
/** Index into classNames of a role's class: 0 = positive. */
export const classIndexOfRole = (role: Role): 0 | 1 => (ROLE_PARTS[role].class === 'positive' ? 0 : 1);
export const splitOfRole = (role: Role): RoleParts['split'] => ROLE_PARTS[role].split;
export type { TrainErrorCode };

export const ActivationName = z.enum(['sigmoid', 'tanh', 'relu', 'leaky_relu']);
export const InitName = z.enum(['zeros', 'small', 'course', 'he', 'xavier']);
export const OptimizerName = z.enum(['gd', 'momentum', 'adam']);
/**
 * Random changes to each training image, drawn again every epoch (the engine's Augmentation,
 * train/augment.ts): a horizontal flip with probability 1/2, a shift of up to `shift` pixels (0 = off).
 */
export const Augmentation = z.object({ flip: z.boolean(), shift: z.number().int().min(0).max(16) });
/** The shift the app's "shift" choice means: the command line's default (train/augment.ts DEFAULT_SHIFT). */
export const AUGMENT_SHIFT = 4;

const LONG_TEXT = 4096;
const Path = z.string().min(1).max(LONG_TEXT);
const ClassName = z.string().trim().min(1).max(40);
/** A project's name: what "Save as…" asks for. */
export const ProjectName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  .regex(/^[^\x00-\x1f\x7f]+$/, 'a name without control characters');
const UploadId = z.string().regex(/^[0-9T]{15}-[0-9a-f]{8}$/, 'an upload id from beginUpload');
/** A file announced for upload: relative path ('/'-separated) and size in bytes. */
const AnnouncedFile = z.object({
  path: z.string().min(1).max(1024),
  size: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40),
});

/** Training settings as the UI edits them; presets fill them in. */
export const TrainSettings = z.object({
  /** Hidden layer sizes only: [] = logistic regression, [7] = [12288, 7, 1], [20, 7, 5] = the 4-layer net. */
  hiddenLayers: z.array(z.number().int().min(1).max(4096)).max(10),
  /**
   * The whole network as the command line's --layers text, for networks hiddenLayers cannot say:
   * "c16,p,c32,p,c64,p,64" (3x3 conv with 16 filters, 2x2 max-pool, ..., 64 dense units). When set it
   * decides the network and hiddenLayers holds its dense sizes; absent = the network is hiddenLayers.
   */
  layers: z.string().trim().max(200).optional(),
  /** Augmentation of the training images; absent or [] = none (the course's presets). */
  augment: Augmentation.optional(),
  activation: ActivationName,
  init: InitName,
  learningRate: z.number().positive().max(1e6),
  /** Full-batch: iterations; mini-batch: epochs = iterations over the data. */
  iterations: z.number().int().min(1).max(1_000_000),
  /** 0 = full batch (the course's algorithm). */
  batchSize: z.number().int().min(0).max(1_000_000),
  optimizer: OptimizerName,
  l2: z.number().min(0).max(1e6),
  /** Fraction of the training images held out for validation when no test folders are given. */
  validationFraction: z.number().min(0).max(0.5),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  /**
   * Start from the current model's parameters instead of initialising (init unused). Its network must
   * be the one these settings describe, or the start is refused with both named. Absent = false.
   */
  continueFromModel: z.boolean().optional(),
});
export type TrainSettings = z.infer<typeof TrainSettings>;

export interface FolderInfo {
  role: Role;
  path: string;
  accepted: number;
  skipped: number;
  /** For a folder uploaded from a browser: its own name ("cats"); `path` is where it is stored. */
  label?: string;
  /** The folder could not be read when the project was opened (moved or deleted); it has no images. */
  missing?: boolean;
}

/** One image the app holds; `id` is stable for the project's life. */
export interface ImageEntry {
  id: number;
  role: Role;
  path: string;
  /** Set once a model exists: probability of the positive class. */
  probability?: number;
}

/**
 * One folder's import as the app shows it: the engine's ImportReport (src-core/data/report.ts) of
 * that folder, same field names and meanings (library.ts checks them at compile time), without its
 * per-file and per-stage detail, plus the role and folder it was added as.
 */
export interface FolderImportReport {
  role: Role;
  folder: string;
  /** For an uploaded folder: its own name; file paths in the report are then relative ("cats/sub/a.png"). */
  folderLabel?: string;
  accepted: number;
  /** Each skipped file: its reason code (a RejectReason such as 'corrupt') and a line for people. */
  skipped: { path: string; reason: string; message: string }[];
  /** Groups of paths with identical pixels after preprocessing. */
  duplicates: string[][];
  /** Paths whose pixels also appear in the other class. */
  inBothClasses: string[];
  seconds: number;
  fromCache: number;
  /** What a person should know about the import as a whole: the cache was rebuilt, a cap was reached ... */
  warnings: string[];
}

export interface ProjectState {
  /** The project's name once saved under one ("Save as…"); absent for a project never named. */
  name?: string;
  classNames: [string, string];
  folders: FolderInfo[];
  counts: Record<Role, number>;
  /** e.g. "Only 12 'Not cat' images for 300 'Cat' images: ..." */
  warnings: string[];
  settings: TrainSettings;
  model: ModelInfo | null;
  /** Past training runs, newest last. */
  history: TrainingRunSummary[];
  /** Set at start-up when the saved project could not be read (it was kept aside). */
  notice?: string;
}

/** A project in the list (Open…). */
export interface ProjectSummary {
  name: string;
  folders: number;
  hasModel: boolean;
  runs: number;
  /** ISO time of its last save. */
  savedAt: string;
}

export interface ModelInfo {
  /** Dense layers [n_0, ..., 1] (n_0 = the conv body's output size for a CNN). */
  layerDims: number[];
  /** A CNN's layers text, e.g. "c16,p,c32,p,c64,p,64" (absent for the course's dense nets). */
  layers?: string;
  activation: string;
  classNames: [string, string];
  threshold: number;
  trainAccuracy?: number;
  testAccuracy?: number;
  /** Where it came from: 'trained' in this session, or the .onnx path it was opened from. */
  source: string;
}

export interface TrainingRunSummary {
  startedAt: string;
  settings: TrainSettings;
  iterations: number;
  finalCost: number;
  trainAccuracy: number;
  validationAccuracy?: number;
  testAccuracy?: number;
  stopped: 'completed' | 'cancelled' | 'early-stopped' | 'diverged' | 'failed';
  seconds: number;
}

export interface EngineInfo {
  version: string;
  backend: 'native' | 'reference';
  isa: string;
  threads: number;
  reason?: string;
  /** What decodes plain JPEGs: the fast libjpeg-turbo path, or sharp (then jpegReason says why). */
  jpegDecoder?: 'libjpeg-turbo' | 'sharp';
  jpegReason?: string;
  /** 'electron' or 'browser'. */
  transport: 'electron' | 'browser';
}

/**
 * Metrics at a threshold, positive = class 1 (classNames[0]): the engine's own type (train/metrics.ts):
 * threshold, accuracy, precision, recall, f1, the counts tp, fp, tn, fn, and m.
 */
export type Metrics = CoreMetrics;

export interface Evaluation {
  train: Metrics;
  /** From test folders, or the validation split when there are none; null when neither exists. */
  test: Metrics | null;
  testSource: 'test-folders' | 'validation-split' | null;
  /** Misclassified images at this threshold, worst first (at most 200). */
  misclassified: ImageEntry[];
}

export interface Prediction {
  probability: number;
  /** 1 = positive class (classNames[0]). */
  label: 0 | 1;
  className: string;
  /** The 64x64 input the model saw, as a PNG data URL. */
  input: string;
}

/** A small picture for the UI: a PNG data URL and what it shows ("unit 3", "filter 7"). */
export interface Picture {
  label: string;
  png: string;
}

/** What the current model's first layer responds to: its units' (dense) or filters' (conv) weights. */
export interface LearnedFeatures {
  kind: 'dense' | 'conv';
  /** Pixels per side of each picture: 64 for a dense unit (one weight per input pixel), k for a k x k filter. */
  size: number;
  /** Units or filters in the layer; `pictures` holds the first ones (at most 64). */
  total: number;
  /** Weights as RGB, each picture scaled symmetrically around zero (grey = 0). */
  pictures: Picture[];
}

/** Why the model decided as it did about one image. */
export interface Explanation {
  probability: number;
  /** |d P / d pixel| (largest over r, g, b) as a 64x64 heat map with alpha, to lay over the input. */
  saliency: string;
  /** CNNs: the first conv layer's activations for this image, one 64x64 grey picture per filter. */
  featureMaps?: Picture[];
}

export interface ExportResult {
  path: string;
  bytes: number;
  /** Largest |p_onnxruntime - p_engine| on the verification sample. */
  maxDifference: number;
}

/** One image of a folder classified in one go (same columns as `catnet predict --csv`, plus the folder's class). */
export interface BatchRow {
  /** Index in the batch: the key of its thumbnail (batchThumbnails). */
  id: number;
  /** The path as the user knows it: full path on disk, or relative inside an uploaded folder. */
  file: string;
  probability: number;
  /** 1 = positive class (classNames[0]) at the model's threshold. */
  label: 0 | 1;
  className: string;
  /** The class named by the file's folder (exactly a class name), when it names one. */
  truth?: 0 | 1;
}

/** A file a batch classification could not use, and why (a line for people). */
export interface SkippedFile {
  path: string;
  reason: string;
}

export interface BatchResult {
  /** What was classified: a folder path, an uploaded folder's name, or "3 files". */
  source: string;
  classNames: [string, string];
  threshold: number;
  rows: BatchRow[];
  skipped: SkippedFile[];
  /** Images labelled [positive, negative]. */
  counts: [number, number];
  /** Against folder names, over the rows whose folder names a class. */
  accuracy?: { accuracy: number; correct: number; total: number };
  seconds: number;
  /** Stopped before the end: `rows` holds what was classified until then. */
  cancelled: boolean;
}

/** Where a whole-folder classification reads its images. */
export const BatchSource = z.union([
  z.object({ path: Path }).strict(),
  z.object({ paths: z.array(Path).min(1).max(10_000) }).strict(),
  z.object({ uploadId: UploadId }).strict(),
]);
export type BatchSource = z.infer<typeof BatchSource>;

/** Everything pushed from the back end to the UI. */
export type AppEvent =
  | { type: 'import-progress'; role: Role; folder: string; done: number; total: number; rate: number }
  | { type: 'import-done'; report: FolderImportReport }
  | {
      type: 'train-progress';
      iteration: number;
      iterations: number;
      cost: number;
      trainAccuracy: number;
      validationAccuracy?: number;
      iterationsPerSecond: number;
      elapsedSeconds: number;
      etaSeconds: number;
      backend: string;
    }
  | {
      type: 'train-done';
      run: TrainingRunSummary;
      model: ModelInfo;
      /** The whole learning curve (J every ceil(iterations / 500) updates, then the final J), for the chart. */
      costs?: { iteration: number; cost: number }[];
    }
  | { type: 'train-error'; code: TrainErrorCode; message: string; keptModel: boolean }
  | { type: 'batch-progress'; done: number; total: number; rate: number }
  | { type: 'project'; project: ProjectState };

// ---------- the methods ----------

/**
 * Each method: zod schema of its argument tuple. The result types are in `ApiResults`.
 * A method that opens a native dialog in Electron takes an optional path: browser mode (and tests)
 * pass the path, since a browser cannot show the server's file system.
 */
export const ApiArgs = {
  engineInfo: z.tuple([]),
  getProject: z.tuple([]),
  newProject: z.tuple([]),
  setClassNames: z.tuple([z.tuple([ClassName, ClassName])]),
  updateSettings: z.tuple([TrainSettings]),
  /** Adds a folder (imports it, with 'import-progress' events). No path: native folder dialog; null = cancelled. */
  addFolder: z.tuple([Role, Path.optional()]),
  removeFolder: z.tuple([Role, Path]),
  removeImage: z.tuple([z.number().int().min(0)]),
  listImages: z.tuple([Role, z.number().int().min(0), z.number().int().min(1).max(2000)]),
  /** 64x64 PNG data URLs of the given image ids (what the model sees). */
  thumbnails: z.tuple([z.array(z.number().int().min(0)).max(500)]),
  lastImportReports: z.tuple([]),
  /** Writes a small synthetic two-class image set under the user-data folder and adds it. */
  createDemo: z.tuple([]),
  startTraining: z.tuple([TrainSettings]),
  stopTraining: z.tuple([]),
  evaluate: z.tuple([z.number().min(0).max(1)]),
  classifyImage: z.tuple([z.number().int().min(0)]),
  /** Classifies a file by path (no path: native open dialog). */
  classifyFile: z.tuple([Path.optional()]),
  /** Classifies uploaded bytes (browser drop); at most 50 MB as base64. */
  classifyBytes: z.tuple([z.string().max(70_000_000), z.string().max(255)]),
  /** The named projects kept in the user data, newest first. */
  listProjects: z.tuple([]),
  /** Names the open project and keeps it in the project list (a name another project has is refused). */
  saveProjectAs: z.tuple([ProjectName]),
  /** Keeps the open project in the list, then opens `name`; folders that moved are listed as missing. */
  openProject: z.tuple([ProjectName]),
  // Folders from a browser (which never reveals paths): announce, send each file, then add or classify.
  /** Announces a folder (its name and every file's relative path and size); checks the caps. */
  beginUpload: z.tuple([z.string().min(1).max(255), z.array(AnnouncedFile).max(100_000)]),
  /** One announced file's bytes (browser mode sends them as the raw request body). */
  uploadFile: z.tuple([UploadId, z.string().min(1).max(1024), z.instanceof(Uint8Array)]),
  cancelUpload: z.tuple([UploadId]),
  /** Stops the import running for a role (addFolder / addUploadedFolder then return null; nothing changes). */
  cancelImport: z.tuple([Role]),
  /** Imports a finished upload for a role, like addFolder (same loader, limits and report); null = cancelled. */
  addUploadedFolder: z.tuple([Role, UploadId]),
  /** Classifies every image of a folder, some files, or an upload ('batch-progress' events); no source: folder dialog. */
  classifyFolder: z.tuple([BatchSource.optional()]),
  /** Stops a running classifyFolder (it then returns what it classified so far). */
  stopClassifyFolder: z.tuple([]),
  /** 64x64 PNG data URLs of rows of the last classifyFolder, by row id. */
  batchThumbnails: z.tuple([z.array(z.number().int().min(0)).max(500)]),
  /** The last classifyFolder as CSV: file,probability,label,class (as `catnet predict --csv`). */
  batchCsv: z.tuple([]),
  /** The current model's first layer as pictures (null: no model). */
  learnedFeatures: z.tuple([]),
  /** Saliency (and CNN feature maps) of an image given as the PNG data URL a prediction returned. */
  explainImage: z.tuple([z.string().max(200_000)]),
  /** Saves the current model as .onnx (no path: native save dialog; null result = cancelled). */
  exportModel: z.tuple([Path.optional()]),
  /** Opens an .onnx model (no path: native open dialog; null result = cancelled). */
  openModel: z.tuple([Path.optional()]),
} as const;

export type ApiMethod = keyof typeof ApiArgs;

export interface ApiResults {
  engineInfo: EngineInfo;
  getProject: ProjectState;
  newProject: ProjectState;
  setClassNames: ProjectState;
  updateSettings: ProjectState;
  addFolder: FolderImportReport | null;
  removeFolder: ProjectState;
  removeImage: ProjectState;
  listImages: { total: number; images: ImageEntry[] };
  thumbnails: Record<number, string>;
  lastImportReports: FolderImportReport[];
  createDemo: ProjectState;
  /** A run that cannot start (no images of a class, a model that does not fit, ...) says why, with a code. */
  startTraining: { started: true } | { started: false; code: TrainErrorCode; message: string };
  stopTraining: { stopping: boolean };
  evaluate: Evaluation | null;
  classifyImage: Prediction;
  classifyFile: Prediction | null;
  classifyBytes: Prediction;
  listProjects: ProjectSummary[];
  saveProjectAs: ProjectState;
  openProject: ProjectState;
  beginUpload: { id: string; send: string[]; limits: { fileBytes: number; uploadBytes: number; totalBytes: number } };
  uploadFile: { received: number };
  cancelUpload: { cancelled: boolean };
  addUploadedFolder: FolderImportReport | null;
  cancelImport: { cancelling: boolean };
  classifyFolder: BatchResult | null;
  stopClassifyFolder: { stopping: boolean };
  batchThumbnails: Record<number, string>;
  batchCsv: string;
  learnedFeatures: LearnedFeatures | null;
  explainImage: Explanation;
  exportModel: ExportResult | null;
  openModel: ModelInfo | null;
}

/** The object the preload exposes as `window.catnet` and browser mode's client implements. */
/** Compile-time: the names the contract accepts are exactly the engine's (a name added to one only fails tsc). */
export const NAMES_MATCH: Same<z.infer<typeof ActivationName>, Activation> &
  Same<z.infer<typeof InitName>, InitMethod> &
  Same<z.infer<typeof OptimizerName>, CoreOptimizerName> &
  Same<z.infer<typeof Augmentation>, CoreAugmentation> = true;

export type CatnetApi = {
  [K in ApiMethod]: (...args: z.input<(typeof ApiArgs)[K]>) => Promise<ApiResults[K]>;
} & {
  /** Subscribes to back-end events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  /**
   * Electron only: the file-system path of a dropped File or folder (webUtils.getPathForFile), '' when
   * it has none. Absent in browser mode (a browser never reveals paths): there the UI uploads image
   * bytes with classifyBytes and asks for folder paths as text.
   */
  pathForFile?: (file: File) => string;
};

/** The methods, in channels.ts's order (the preload's zod-free list); equal to ApiArgs' keys, checked below. */
export const API_METHODS: readonly ApiMethod[] = API_METHOD_NAMES;
/** true when A and B are the same type (each assignable to the other): for compile-time checks. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameKeys<A, B> = Same<A, B>;
/** Compile-time check: channels.ts names exactly the methods of ApiArgs (a method added to one only fails tsc). */
export const METHODS_MATCH: SameKeys<ApiMethod, ApiMethodName> = true;

export { channelOf, EVENT_CHANNEL };

/** Validates untrusted arguments; throws an Error whose message names the method and the bad value. */
export function parseArgs<K extends ApiMethod>(method: K, args: unknown): z.output<(typeof ApiArgs)[K]> {
  const schema = ApiArgs[method];
  if (!schema) throw new Error(`Unknown catnet API method: ${String(method).slice(0, 60)}`);
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid arguments to ${method}: ${issue?.path.join('.') || 'arguments'}: ${issue?.message}`);
  }
  return parsed.data as z.output<(typeof ApiArgs)[K]>;
}

/** Errors cross both transports as this shape, so the UI can show `message` as it is. */
export interface ApiError {
  error: string;
}

/** What every method returns over either transport; the preload and browser client unwrap it. */
export type ApiResponse<T = unknown> = { ok: T } | ApiError;

/**
 * An engine preset (train/presets.ts) as app settings. A dense-only layers text becomes hiddenLayers
 * (the course form); a convolutional one is kept as `layers`, with its dense sizes in hiddenLayers.
 */
function settingsOf(id: PresetId): TrainSettings {
  const { layers, ...rest } = CORE_PRESETS[id].settings;
  const items = layers === '' ? [] : layers.split(',');
  const hiddenLayers = items.filter((item) => /^\d+$/.test(item)).map(Number);
  return {
    ...rest,
    augment: { ...rest.augment },
    hiddenLayers,
    ...(hiddenLayers.length === items.length ? {} : { layers }),
  };
}

/** The app's presets: the course's three networks, and a small convolutional net for real photos. */
export const PRESETS = Object.fromEntries(PRESET_IDS.map((id) => [id, settingsOf(id)])) as Record<
  PresetId,
  TrainSettings
>;

/** What a new project starts with: the course's 4-layer preset, without augmentation. */
export const DEFAULT_SETTINGS: TrainSettings = (() => {
  const { augment: _none, ...settings } = settingsOf('four-layer');
  return settings;
})();
