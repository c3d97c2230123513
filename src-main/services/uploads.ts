// Folders a browser sends as bytes (a browser never reveals where a dropped folder is): announced
// with every file's relative path and size, received one file per call, stored under
// userData/uploads/<id>/<folder name>/<relative path>, then imported like any folder on disk (same
// loader, limits and report), so a restart keeps the project whole. Until it is finished an upload
// lives in uploads/.staging/<id>; a cancelled or abandoned one is deleted there (and at start).
// Caps: per file, per upload, and for all uploads together; each refusal says which cap and what to do.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { MAX_FILES } from '../../src-core/data/index.js';

export interface UploadLimits {
  /** Largest single file; bigger ones are not sent and are reported as skipped. */
  fileBytes: number;
  /** Largest upload (one folder). */
  uploadBytes: number;
  /** All uploads kept in the user data together. */
  totalBytes: number;
  /** Files per upload. */
  files: number;
}

const MB = 1024 * 1024;
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  fileBytes: 64 * MB,
  uploadBytes: 2048 * MB,
  totalBytes: 8192 * MB,
  files: MAX_FILES,
};

/** Limits from CATNET_UPLOAD_{FILE,UPLOAD,TOTAL}_MB (tests, small disks); invalid values are ignored. */
export function uploadLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  const mb = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return env[name] && Number.isFinite(value) && value > 0 ? Math.round(value * MB) : fallback;
  };
  return {
    fileBytes: mb('CATNET_UPLOAD_FILE_MB', DEFAULT_UPLOAD_LIMITS.fileBytes),
    uploadBytes: mb('CATNET_UPLOAD_MB', DEFAULT_UPLOAD_LIMITS.uploadBytes),
    totalBytes: mb('CATNET_UPLOAD_TOTAL_MB', DEFAULT_UPLOAD_LIMITS.totalBytes),
    files: DEFAULT_UPLOAD_LIMITS.files,
  };
}

export interface AnnouncedFile {
  /** Relative path inside the folder, '/'-separated, e.g. "kittens/a.jpg". */
  path: string;
  size: number;
}

export interface UploadStarted {
  id: string;
  /** Files to send, in the order announced (the others are too large and will be reported). */
  send: string[];
  limits: UploadLimits;
}

export interface FinishedUpload {
  /** The folder to import: uploads/<id>/<name>. */
  folder: string;
  /** Files not sent because of the per-file cap, with the reason (for the import report). */
  skipped: { path: string; reason: string }[];
}

interface OpenUpload {
  name: string;
  /** Announced size of every file still expected, by relative path. */
  expected: Map<string, number>;
  received: number;
  skipped: { path: string; reason: string }[];
}

const mbText = (bytes: number): string => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

/** A folder or file name from a browser: one path segment, nothing that walks or hides. */
export function checkSegment(segment: string, what: string): string {
  if (
    segment === '' ||
    segment === '.' ||
    segment === '..' ||
    segment.length > 255 ||
    /[\\/\0]/.test(segment) ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    /[\x00-\x1f]/.test(segment)
  )
    throw new Error(`${what} '${segment.slice(0, 80)}' is not a plain file or folder name; rename it and upload again`);
  return segment;
}

/** A relative path from a browser, checked segment by segment; returns its segments. */
export function checkRelativePath(path: string): string[] {
  if (path.length > 1024) throw new Error(`The path '${path.slice(0, 80)}…' is over 1024 characters`);
  const segments = path.split('/');
  if (segments.length > 64) throw new Error(`The path '${path.slice(0, 80)}' is more than 64 folders deep`);
  for (const s of segments) checkSegment(s, 'The name');
  return segments;
}

export class UploadStore {
  readonly root: string;
  private readonly staging: string;
  private readonly open = new Map<string, OpenUpload>();

  constructor(
    userData: string,
    readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {
    this.root = join(userData, 'uploads');
    this.staging = join(this.root, '.staging');
  }

  /** Deletes uploads left unfinished by an earlier run (the app was closed mid-upload). */
  async removeAbandoned(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true });
  }

  /** Starts an upload of folder `name`; refuses one over the per-upload or total cap before any byte is sent. */
  async begin(name: string, files: AnnouncedFile[]): Promise<UploadStarted> {
    checkSegment(name, 'The folder name');
    if (files.length === 0) throw new Error(`The folder '${name}' has no files to upload`);
    if (files.length > this.limits.files)
      throw new Error(
        `The folder '${name}' has ${files.length.toLocaleString('en')} files; at most ${this.limits.files.toLocaleString('en')} can be uploaded at once. Choose a smaller folder.`,
      );
    const expected = new Map<string, number>();
    const skipped: OpenUpload['skipped'] = [];
    let bytes = 0;
    for (const file of files) {
      checkRelativePath(file.path);
      if (expected.has(file.path)) throw new Error(`The file '${file.path}' is announced twice`);
      if (file.size > this.limits.fileBytes) {
        skipped.push({
          path: `${name}/${file.path}`,
          reason: `too large to upload (${mbText(file.size)}; the limit is ${mbText(this.limits.fileBytes)} per file)`,
        });
        continue;
      }
      expected.set(file.path, file.size);
      bytes += file.size;
    }
    if (bytes > this.limits.uploadBytes)
      throw new Error(
        `The folder '${name}' holds ${mbText(bytes)} of files; one upload takes at most ${mbText(this.limits.uploadBytes)}. ` +
          'Upload its sub-folders one at a time, or run the desktop app, which reads folders in place.',
      );
    const used = (await this.usedBytes()) + this.pendingBytes();
    if (used + bytes > this.limits.totalBytes)
      throw new Error(
        `Uploading '${name}' (${mbText(bytes)}) would take the uploaded folders over ${mbText(this.limits.totalBytes)} ` +
          `(${mbText(used)} used in ${this.root}). Remove uploaded folders you no longer need, or run the desktop app.`,
      );
    const id = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
    await mkdir(join(this.staging, id, name), { recursive: true });
    this.open.set(id, { name, expected, received: 0, skipped });
    return { id, send: [...expected.keys()], limits: this.limits };
  }

  /** Stores one announced file; its size must be the announced one (so the caps hold). */
  async put(id: string, path: string, bytes: Uint8Array): Promise<{ received: number }> {
    const upload = this.get(id);
    const size = upload.expected.get(path);
    if (size === undefined)
      throw new Error(`'${path.slice(0, 200)}' was not announced for this upload, or was sent already`);
    if (bytes.length !== size)
      throw new Error(`'${path}' was announced as ${size} bytes but ${bytes.length} arrived; upload the folder again`);
    const target = join(this.staging, id, upload.name, ...checkRelativePath(path));
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(target, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    upload.expected.delete(path);
    upload.received++;
    return { received: upload.received };
  }

  /** Moves the upload out of staging; files never sent are reported as skipped. */
  async finish(id: string): Promise<FinishedUpload> {
    const upload = this.get(id);
    this.open.delete(id);
    const skipped = [
      ...upload.skipped,
      ...[...upload.expected.keys()].map((p) => ({ path: `${upload.name}/${p}`, reason: 'was not uploaded' })),
    ];
    const target = join(this.root, id);
    await rename(join(this.staging, id), target);
    return { folder: join(target, upload.name), skipped };
  }

  async cancel(id: string): Promise<{ cancelled: boolean }> {
    const known = this.open.delete(id);
    if (known) await rm(join(this.staging, id), { recursive: true, force: true });
    return { cancelled: known };
  }

  /** "cats/sub/a.png" for a file of an uploaded folder; any other path unchanged. */
  displayPath(path: string): string {
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || inside.startsWith(`.staging${sep}`)) return path;
    const parts = inside.split(sep);
    return parts.length >= 2 ? parts.slice(1).join('/') : path;
  }

  isUploaded(path: string): boolean {
    return this.displayPath(path) !== path;
  }

  private get(id: string): OpenUpload {
    const upload = this.open.get(id);
    if (!upload) throw new Error(`There is no upload '${id.slice(0, 40)}' in progress (it was finished or cancelled)`);
    return upload;
  }

  private pendingBytes(): number {
    let total = 0;
    for (const upload of this.open.values()) for (const size of upload.expected.values()) total += size;
    return total;
  }

  /** Bytes of the finished uploads on disk. */
  private async usedBytes(): Promise<number> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    let total = 0;
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if (path.startsWith(this.staging + sep)) continue;
      total += (await stat(path).catch(() => null))?.size ?? 0;
    }
    return total;
  }
}
