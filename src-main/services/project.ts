// The project as saved on disk: userData/project.json, written atomically after every change and read
// back at start. Only what cannot be recomputed is saved (folders, removed images, names, settings,
// model info, run history); image pixels come back from the import cache. A file that cannot be read
// is moved aside to project.json.bad-<time> and the app starts clean with a notice saying so.

import { existsSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { removeStaleTemporaries, writeFileAtomic } from '../../src-core/fsio/atomic.js';
import type { ModelInfo, TrainingRunSummary } from '../contract.js';
import { DEFAULT_SETTINGS, ProjectName, Role, TrainSettings } from '../contract.js';

export const PROJECT_FILE = 'project.json';

const ModelInfoSchema = z.object({
  layerDims: z.array(z.number().int().positive()).min(2),
  activation: z.string(),
  classNames: z.tuple([z.string(), z.string()]),
  threshold: z.number().min(0).max(1),
  trainAccuracy: z.number().optional(),
  testAccuracy: z.number().optional(),
  source: z.string(),
});

const RunSchema = z.object({
  startedAt: z.string(),
  settings: TrainSettings,
  iterations: z.number(),
  // NaN (failed runs) is saved as null by JSON.
  finalCost: z
    .number()
    .nullable()
    .transform((v) => v ?? Number.NaN),
  trainAccuracy: z.number(),
  validationAccuracy: z.number().optional(),
  testAccuracy: z.number().optional(),
  stopped: z.enum(['completed', 'cancelled', 'early-stopped', 'diverged', 'failed']),
  seconds: z.number(),
});

const SavedProjectSchema = z.object({
  format: z.literal('catnet-project'),
  version: z.literal(1),
  name: ProjectName.optional(),
  classNames: z.tuple([z.string().min(1).max(40), z.string().min(1).max(40)]),
  folders: z.array(z.object({ role: Role, path: z.string().min(1) })).max(1000),
  removedImages: z.array(z.string()).max(1_000_000),
  settings: TrainSettings,
  model: ModelInfoSchema.nullable(),
  history: z.array(RunSchema).max(10_000),
});

export interface SavedProject {
  format: 'catnet-project';
  version: 1;
  /** Set by "Save as…"; the project is then also kept under userData/projects (see projects.ts). */
  name?: string;
  classNames: [string, string];
  folders: { role: Role; path: string }[];
  /** Paths of images the user removed from otherwise imported folders. */
  removedImages: string[];
  settings: TrainSettings;
  model: ModelInfo | null;
  history: TrainingRunSummary[];
}

export function emptyProject(): SavedProject {
  return {
    format: 'catnet-project',
    version: 1,
    classNames: ['cat', 'non-cat'],
    folders: [],
    removedImages: [],
    settings: { ...DEFAULT_SETTINGS },
    model: null,
    history: [],
  };
}

export interface LoadedProject {
  project: SavedProject;
  /** Set when the saved file was unreadable and kept aside. */
  notice?: string;
}

export class ProjectStore {
  readonly file: string;

  constructor(readonly userData: string) {
    this.file = join(userData, PROJECT_FILE);
  }

  /** Reads project.json; a missing file is a new project, a bad one is moved aside (never deleted). */
  async load(): Promise<LoadedProject> {
    await removeStaleTemporaries(this.file); // left by a save the app was killed in
    if (!existsSync(this.file)) return { project: emptyProject() };
    let problem: string;
    try {
      const parsed = SavedProjectSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      if (parsed.success) return { project: parsed.data as SavedProject };
      const issue = parsed.error.issues[0];
      problem = `${issue?.path.join('.') || 'file'}: ${issue?.message}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    const aside = `${this.file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.file, aside);
    } catch (error) {
      return {
        project: emptyProject(),
        notice: `The saved project ${this.file} could not be read (${problem}) nor moved aside (${(error as Error).message}); catnet started with a new project and will overwrite it on the next change.`,
      };
    }
    return {
      project: emptyProject(),
      notice: `The saved project could not be read (${problem}). It was kept as ${aside}; catnet started with a new project.`,
    };
  }

  /**
   * Saves a snapshot of `project` taken now. Saves run one after another in call order, so two
   * changes in quick succession can never leave the older snapshot on disk.
   */
  save(project: SavedProject): Promise<void> {
    const text = `${JSON.stringify(project, null, 2)}\n`;
    const done = this.queue.then(() => writeFileAtomic(this.file, text));
    this.queue = done.catch(() => undefined);
    return done;
  }

  private queue: Promise<void> = Promise.resolve();
}
