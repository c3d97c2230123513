// The images of the project: folders imported per Role through src-core/data (with the vector cache in
// userData/cache), each image with an id that stays the same for the session (same role + path = same
// id, also across re-imports), removals, listing and thumbnails. Pixels stay in the import's Datasets.

import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Dataset, type ImportProgress, importFolders, vectorToPng } from '../../src-core/data/index.js';
import type { ImportReport, SkippedFile } from '../../src-core/data/report.js';
import { type FolderImportReport, type ImageEntry, labelOfRole, type Role, type Same } from '../contract.js';

/** Compile-time: the app's folder report has the engine report's fields, with the same types. */
type Shared = 'accepted' | 'duplicates' | 'inBothClasses' | 'seconds' | 'fromCache' | 'warnings';
export const FOLDER_REPORT_MATCHES: Same<Pick<FolderImportReport, Shared>, Pick<ImportReport, Shared>> &
  Same<FolderImportReport['skipped'][number], Pick<SkippedFile, 'path' | 'message'> & { reason: string }> = true;

/** Label of a role's images: 1 = positive class (classNames[0]). */
export const labelOf = labelOfRole;

export interface LibraryImage {
  id: number;
  role: Role;
  path: string;
  folder: string;
  /** 12,288 bytes, HWC: a view into its folder's Dataset. */
  vector: Uint8Array;
  /** sha1 of the pixels: finds the same image in both classes. */
  hash: string;
}

interface ImportedFolder {
  role: Role;
  path: string;
  dataset: Dataset;
  /** hashOf(row i), computed once at import. */
  hashes: string[];
  report: FolderImportReport;
}

export interface ImportHooks {
  onProgress?: (role: Role, folder: string, p: ImportProgress) => void;
  classNames?: [string, string];
  /** Aborting it stops the import (addFolder then rejects with the signal's reason; nothing changes). */
  signal?: AbortSignal;
}

export class Library {
  private readonly folders: ImportedFolder[] = [];
  private readonly idsByKey = new Map<string, number>();
  private nextId = 0;
  private images: LibraryImage[] = [];
  private duplicatesAcrossClasses: string[] = [];
  private byId = new Map<number, LibraryImage>();
  /** Paths the user removed; they stay out when their folder is imported again. */
  readonly removed = new Set<string>();

  /**
   * `displayPath` turns a stored path into the one people know (an uploaded folder's files are shown
   * relative to it, "cats/sub/a.png"); used in reports and image lists, never as an identity.
   */
  constructor(
    readonly cacheDir: string,
    private readonly displayPath: (path: string) => string = (path) => path,
  ) {}

  /**
   * Imports a folder for a role (replacing the same folder's earlier import). Throws for a path that
   * is not an existing folder; problems with single files are in the report.
   */
  async addFolder(role: Role, folder: string, hooks: ImportHooks = {}): Promise<FolderImportReport> {
    const path = await checkedFolder(folder);
    const { dataset, report } = await importFolders({
      folders: [{ path, label: labelOf(role) }],
      cacheDir: this.cacheDir,
      classNames: hooks.classNames,
      isolate: true, // a decoder crash skips the file; the app stays up
      onProgress: (p) => hooks.onProgress?.(role, path, p),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    });
    const otherClass = new Set(
      this.images.filter((image) => labelOf(image.role) !== labelOf(role)).map((image) => image.hash),
    );
    const hashes = await hashRows(dataset);
    const inBothClasses: string[] = [];
    for (let i = 0; i < dataset.m; i++) if (otherClass.has(hashes[i]!)) inBothClasses.push(dataset.paths[i]!);
    const shown = this.displayPath;
    const label = shown(path);
    const ours: FolderImportReport = {
      role,
      folder: path,
      ...(label !== path ? { folderLabel: label } : {}),
      accepted: report.accepted,
      skipped: report.skipped.map(({ path, reason, message }) => ({ path: shown(path), reason, message })),
      duplicates: report.duplicates.map((group) => group.map(shown)),
      inBothClasses: inBothClasses.map(shown),
      seconds: report.seconds,
      fromCache: report.fromCache,
      warnings: report.warnings,
    };
    const existing = this.folders.findIndex((f) => f.role === role && f.path === path);
    const entry = { role, path, dataset, hashes, report: ours };
    if (existing >= 0) this.folders[existing] = entry;
    else this.folders.push(entry);
    this.rebuild();
    return ours;
  }

  removeFolder(role: Role, folder: string): boolean {
    const path = resolve(folder);
    const index = this.folders.findIndex((f) => f.role === role && (f.path === path || f.path === folder));
    if (index < 0) return false;
    this.folders.splice(index, 1);
    this.rebuild();
    return true;
  }

  removeImage(id: number): LibraryImage {
    const image = this.byId.get(id);
    if (!image) throw new Error(`There is no image with id ${id} (it may have been removed already)`);
    this.removed.add(image.path);
    this.rebuild();
    return image;
  }

  clear(): void {
    this.folders.length = 0;
    this.removed.clear();
    this.rebuild();
  }

  image(id: number): LibraryImage {
    const image = this.byId.get(id);
    if (!image) throw new Error(`There is no image with id ${id}; reload the image list`);
    return image;
  }

  ofRole(role: Role): LibraryImage[] {
    return this.images.filter((image) => image.role === role);
  }

  all(): readonly LibraryImage[] {
    return this.images;
  }

  folderList(): { role: Role; path: string; accepted: number; skipped: number }[] {
    return this.folders.map((f) => ({
      role: f.role,
      path: f.path,
      accepted: f.report.accepted,
      skipped: f.report.skipped.length,
    }));
  }

  reports(): FolderImportReport[] {
    return this.folders.map((f) => f.report);
  }

  counts(): Record<Role, number> {
    const counts = { 'train-positive': 0, 'train-negative': 0, 'test-positive': 0, 'test-negative': 0 };
    for (const image of this.images) counts[image.role]++;
    return counts;
  }

  /** Paths of negative images whose pixels are also a positive image (training or test). */
  inBothClasses(): string[] {
    return this.duplicatesAcrossClasses;
  }

  list(role: Role, offset: number, limit: number): { total: number; images: ImageEntry[] } {
    const images = this.ofRole(role);
    return {
      total: images.length,
      images: images
        .slice(offset, offset + limit)
        .map(({ id, role: r, path }) => ({ id, role: r, path: this.displayPath(path) })),
    };
  }

  /** PNG data URLs of what the model sees; unknown ids are left out. */
  async thumbnails(ids: number[]): Promise<Record<number, string>> {
    const out: Record<number, string> = {};
    for (const id of ids) {
      const image = this.byId.get(id);
      if (image) out[id] = await pngDataUrl(image.vector);
    }
    return out;
  }

  /** Recomputes the image list from the folders, minus removed paths; ids come from role + path. */
  private rebuild(): void {
    const images: LibraryImage[] = [];
    const seen = new Set<string>();
    for (const folder of this.folders) {
      const { dataset, hashes } = folder;
      for (let i = 0; i < dataset.m; i++) {
        const path = dataset.paths[i]!;
        const key = `${folder.role}\0${path}`;
        if (this.removed.has(path) || seen.has(key)) continue;
        seen.add(key);
        let id = this.idsByKey.get(key);
        if (id === undefined) {
          id = this.nextId++;
          this.idsByKey.set(key, id);
        }
        const vector = dataset.vector(i);
        images.push({ id, role: folder.role, path, folder: folder.path, vector, hash: hashes[i]! });
      }
    }
    this.images = images;
    this.byId = new Map(images.map((image) => [image.id, image]));
    const positive = new Set(images.filter((i) => labelOf(i.role) === 1).map((i) => i.hash));
    this.duplicatesAcrossClasses = images
      .filter((i) => labelOf(i.role) === 0 && positive.has(i.hash))
      .map((i) => i.path);
  }
}

export async function pngDataUrl(vector: Uint8Array): Promise<string> {
  return `data:image/png;base64,${(await vectorToPng(vector)).toString('base64')}`;
}

function hashOf(vector: Uint8Array): string {
  return createHash('sha1').update(vector).digest('base64');
}

/** Hashes of every row, with an event-loop turn every 1000 rows (100,000 images take about 2 s). */
async function hashRows(dataset: Dataset): Promise<string[]> {
  const hashes: string[] = new Array(dataset.m);
  for (let i = 0; i < dataset.m; i++) {
    hashes[i] = hashOf(dataset.vector(i));
    if (i % 1000 === 999) await nextTurn();
  }
  return hashes;
}

/** An absolute path to an existing folder, or an error that says what is wrong with it. */
async function checkedFolder(folder: string): Promise<string> {
  if (!isAbsolute(folder))
    throw new Error(`'${folder}' is not an absolute folder path: give the full path, e.g. /home/me/cats`);
  const path = resolve(folder);
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`The folder ${path} does not exist (or cannot be read)`);
  if (!info.isDirectory()) throw new Error(`${path} is a file, not a folder: choose the folder that holds the images`);
  return path;
}
