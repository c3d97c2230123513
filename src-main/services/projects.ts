// Several projects: the open project lives in userData/project.json and last-model.onnx (as before);
// every named project is also kept in userData/projects/<slug>-<hash>/ (project.json, model.onnx).
// Switching projects first puts the open one on this shelf (a project never named is kept as
// "Untitled <date>" rather than lost), then takes the other one down. Images are never copied: a
// project names its folders (uploaded folders stay under userData/uploads).

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectSummary } from '../contract.js';
import { ProjectStore, type SavedProject } from './project.js';

export const PROJECTS_DIR = 'projects';
const MODEL_FILE = 'model.onnx';

export type { ProjectSummary };

/** A folder name for a project name: readable, and unique per name (the hash). */
function folderOf(name: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'project';
  return `${slug}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
}

/** Copies `from` over `to` through a temporary file (a reader never sees half a model). */
async function copyAtomic(from: string, to: string): Promise<void> {
  const tmp = `${to}.${process.pid}.copy.tmp`;
  await copyFile(from, tmp);
  await rename(tmp, to);
}

export class ProjectShelf {
  readonly root: string;

  constructor(userData: string) {
    this.root = join(userData, PROJECTS_DIR);
  }

  /** The named projects, newest save first; unreadable ones are left out. */
  async list(): Promise<ProjectSummary[]> {
    const dirs = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const out: ProjectSummary[] = [];
    for (const dir of dirs) {
      if (!dir.isDirectory()) continue;
      const store = new ProjectStore(join(this.root, dir.name));
      const info = await stat(store.file).catch(() => null);
      if (!info) continue;
      const { project, notice } = await store.load();
      if (notice || !project.name) continue;
      out.push({
        name: project.name,
        folders: project.folders.length,
        hasModel: project.model !== null,
        runs: project.history.length,
        savedAt: info.mtime.toISOString(),
      });
    }
    return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async has(name: string): Promise<boolean> {
    return (await stat(join(this.root, folderOf(name), 'project.json')).catch(() => null)) !== null;
  }

  /** Keeps `project` (which must be named) and its model file (when it has a model) on the shelf. */
  async put(project: SavedProject, modelFile: string): Promise<void> {
    if (!project.name) throw new Error('Only a named project can be kept: use "Save as…" first');
    const dir = join(this.root, folderOf(project.name));
    await mkdir(dir, { recursive: true });
    const model = join(dir, MODEL_FILE);
    const hasModelFile = project.model !== null && (await stat(modelFile).catch(() => null)) !== null;
    if (hasModelFile) await copyAtomic(modelFile, model);
    else await rm(model, { force: true });
    await new ProjectStore(dir).save(project);
  }

  /** Takes project `name` off the shelf: its project and, when it has one, its model copied to `modelFile`. */
  async take(name: string, modelFile: string): Promise<SavedProject> {
    const dir = join(this.root, folderOf(name));
    const store = new ProjectStore(dir);
    if ((await stat(store.file).catch(() => null)) === null)
      throw new Error(`There is no project named '${name}' (see the list under Open…)`);
    const { project, notice } = await store.load();
    if (notice) throw new Error(notice);
    const model = join(dir, MODEL_FILE);
    if (project.model !== null && (await stat(model).catch(() => null)) !== null) await copyAtomic(model, modelFile);
    else await rm(modelFile, { force: true });
    return { ...project, name };
  }

  /** A name no kept project has: "Untitled 2026-12-05 11:20", then " (2)" ... */
  async freeName(base: string): Promise<string> {
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base} (${n})`;
      if (!(await this.has(name))) return name;
    }
  }
}
