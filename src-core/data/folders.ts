// Recursive, cancellable scan of a chosen folder: lists the regular files inside it and explains
// everything else. Symlinks are never followed (targets inside the folder are scanned through their
// real path anyway; targets outside are reported), so loops cannot happen. Names are handled as raw
// bytes, so non-UTF-8 names still open. Decoding is not done here (images.ts).

import { type Dirent, promises as fsp } from 'node:fs';
import { sep } from 'node:path';
import { abortError, eventLoopBreather } from './parallel.js';
import { fsErrorMessage, type RejectReason, reasonForFsError } from './reasons.js';

/** Default cap on files listed per import (100,000 images = 1.2 GB of pixels). */
export const MAX_FILES = 100_000;
/** Directories listed per folder at most (a tree of empty folders must not scan forever). */
export const MAX_DIRS = 50_000;
/** Directory depth beyond which the scan does not descend (reported as a warning). */
export const MAX_DEPTH = 512;

export interface ScannedFile {
  /** Path for opening (raw bytes when a name on the way is not valid UTF-8, else a string). */
  fsPath: string | Buffer;
  /** Path for people (invalid UTF-8 shown as U+FFFD). */
  path: string;
  /**
   * Identity within the folder (the cache key): the relative path, or for a path that is not valid
   * UTF-8, NUL followed by its raw bytes as latin1.
   */
  rel: string;
}

export interface ScanSkip {
  path: string;
  reason: RejectReason;
  message: string;
}

export interface ScanResult {
  /** The folder as given, and its real path (symlinks resolved). */
  folder: string;
  root: string;
  files: ScannedFile[];
  skipped: ScanSkip[];
  warnings: string[];
  /** True when maxFiles stopped the scan. */
  capped: boolean;
}

/** A directory to list: its path as a string, or as raw bytes once a name on the way is not UTF-8. */
interface Dir {
  abs: string | Buffer;
  /** Relative path, for people (string dirs) or raw bytes (raw dirs). */
  rel: string | Buffer;
  depth: number;
}

const SEP_BYTES = Buffer.from(sep);

function join2(a: string | Buffer, b: string | Buffer): string | Buffer {
  if (typeof a === 'string' && typeof b === 'string') return a.length === 0 ? b : a + sep + b;
  const ab = typeof a === 'string' ? Buffer.from(a) : a;
  const bb = typeof b === 'string' ? Buffer.from(b) : b;
  return ab.length === 0 ? bb : Buffer.concat([ab, SEP_BYTES, bb]);
}

function display(p: string | Buffer): string {
  return typeof p === 'string' ? p : p.toString('utf8');
}

function relKeyOf(rel: string | Buffer): string {
  return typeof rel === 'string' ? rel : `\0${rel.toString('latin1')}`;
}

/** Lists a directory: names as strings, or as raw bytes when any name (or the directory) is not valid UTF-8. */
async function listDir(dir: Dir): Promise<Dirent<string>[] | Dirent<Buffer>[]> {
  if (typeof dir.abs === 'string') {
    const entries = await fsp.readdir(dir.abs, { withFileTypes: true });
    if (!entries.some((e) => e.name.includes('\ufffd')))
      return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  const raw = await fsp.readdir(dir.abs, { withFileTypes: true, encoding: 'buffer' });
  return raw.sort((a, b) => Buffer.compare(a.name, b.name));
}

/**
 * Lists regular files under `folder`, sorted by name within each directory (deterministic order).
 * Never throws for file-system problems inside the folder (they become `skipped` entries); throws only
 * when cancelled (the signal's reason). A missing or unreadable `folder` gives one skipped entry.
 */
export async function scanFolder(
  folder: string,
  opts: { maxFiles?: number; signal?: AbortSignal; maxDepth?: number; maxDirs?: number } = {},
): Promise<ScanResult> {
  const maxFiles = opts.maxFiles ?? MAX_FILES;
  const maxDepth = opts.maxDepth ?? MAX_DEPTH;
  const maxDirs = opts.maxDirs ?? MAX_DIRS;
  let dirsListed = 0;
  const result: ScanResult = { folder, root: folder, files: [], skipped: [], warnings: [], capped: false };
  let root: string;
  try {
    root = await fsp.realpath(folder);
    const st = await fsp.stat(root);
    if (!st.isDirectory()) {
      result.skipped.push({ path: folder, reason: 'not-a-file', message: 'this is not a folder' });
      return result;
    }
  } catch (err) {
    const reason = reasonForFsError(err) ?? 'unreadable';
    const message = reason === 'vanished' ? 'the folder does not exist' : fsErrorMessage(reason, err);
    result.skipped.push({ path: folder, reason, message });
    return result;
  }
  result.root = root;
  const rootPrefix = root.endsWith(sep) ? root : root + sep;
  // Names reported for people are under the folder as chosen (opened under its real path): a folder
  // that is a symlink never reports where it leads.
  const base = folder.replace(sep === '/' ? /\/+$/ : /[\\/]+$/, '') + sep;
  const shown = (rel: string | Buffer): string =>
    rel.length === 0 ? folder : typeof rel === 'string' ? base + rel : display(Buffer.concat([Buffer.from(base), rel]));
  let deepestSkipped = false;
  const breathe = eventLoopBreather(8);

  // Depth-first with an explicit stack (no recursion limit); children pushed in reverse to pop in order.
  const stack: Dir[] = [{ abs: root, rel: '', depth: 0 }];
  while (stack.length > 0) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const dir = stack.pop()!;
    if (++dirsListed > maxDirs) {
      result.capped = true;
      result.warnings.push(
        `Stopped listing ${folder} after ${maxDirs.toLocaleString('en')} folders: the rest was not imported. ` +
          'Choose a smaller folder.',
      );
      return result;
    }
    let entries: Dirent<string>[] | Dirent<Buffer>[];
    try {
      entries = await listDir(dir);
    } catch (err) {
      const reason = reasonForFsError(err) ?? 'unreadable';
      result.skipped.push({
        path: shown(dir.rel),
        reason,
        message: `folder skipped: ${fsErrorMessage(reason, err)}`,
      });
      continue;
    }
    const subdirs: Dir[] = [];
    for (const e of entries) {
      const pause = breathe();
      if (pause) await pause;
      const abs = join2(dir.abs, e.name);
      const path = shown(join2(dir.rel, e.name));
      if (e.isDirectory()) {
        if (dir.depth + 1 > maxDepth) {
          if (!deepestSkipped)
            result.warnings.push(`Folders nested deeper than ${maxDepth} levels in ${folder} were not scanned.`);
          deepestSkipped = true;
        } else subdirs.push({ abs, rel: join2(dir.rel, e.name), depth: dir.depth + 1 });
      } else if (e.isFile()) {
        if (result.files.length >= maxFiles) {
          result.capped = true;
          break;
        }
        result.files.push({ fsPath: abs, path, rel: relKeyOf(join2(dir.rel, e.name)) });
      } else if (e.isSymbolicLink()) {
        result.skipped.push(await explainSymlink(abs, path, rootPrefix, root, shown));
      } else {
        result.skipped.push({ path, reason: 'not-a-file', message: 'not a regular file (a device, pipe or socket)' });
      }
    }
    if (result.capped) break;
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  if (result.capped)
    result.warnings.push(
      `Stopped listing ${folder} after ${maxFiles.toLocaleString('en')} files: the rest was not imported. ` +
        'Choose a smaller folder or raise the limit.',
    );
  return result;
}

/**
 * A symlink is never followed; this explains the skip: where it leads when that is inside the folder
 * (named under the folder as chosen), only that it leads outside otherwise (no name from outside).
 */
async function explainSymlink(
  abs: string | Buffer,
  path: string,
  rootPrefix: string,
  root: string,
  shown: (rel: string) => string,
): Promise<ScanSkip> {
  let target: string;
  try {
    target = await fsp.realpath(abs);
  } catch (err) {
    const reason = reasonForFsError(err) ?? 'unreadable';
    if (reason === 'vanished' || reason === 'broken-link')
      return { path, reason: 'broken-link', message: 'a symlink that loops or points to nothing' };
    return { path, reason, message: fsErrorMessage(reason, err) };
  }
  if (target === root || target.startsWith(rootPrefix))
    return {
      path,
      reason: 'link-inside',
      message: `a symlink to ${shown(target === root ? '' : target.slice(rootPrefix.length))}, which is inside the folder and imported from there`,
    };
  return {
    path,
    reason: 'symlink-outside',
    message: 'a symlink to something outside the chosen folder: not followed',
  };
}
