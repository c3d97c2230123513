// One writer per folder: a running instance holds `<folder>/catnet.lock`, a small JSON file naming it
// (pid, mode, host, start time). A second instance (the Electron app next to browser mode, or two
// browser-mode servers) reads who holds it and refuses to start, instead of both overwriting the
// same project. A lock whose process no longer runs on this machine (killed, crashed) is stale and
// taken over. Within one process the lock is re-entrant (tests restart a back end in-process).
//
// Limits: a dead instance's pid reused by an unrelated process keeps the lock until that process
// ends (the message names the file to delete); on a folder shared between machines the pid cannot
// be checked, so a lock from another host is always respected.

import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './atomic.js';

export const LOCK_FILE = 'catnet.lock';

/** Who holds a folder: written into the lock file. */
export interface LockOwner {
  pid: number;
  /** How the holder runs: 'electron', 'browser', 'cli', ... */
  mode: string;
  host: string;
  /** ISO time the holder took the lock. */
  startedAt: string;
}

/** Thrown when another running instance holds the folder; `owner` says which one. */
export class FolderLocked extends Error {
  readonly code = 'folder-locked';
  constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {
    super(
      `Another catnet is using ${file.slice(0, -LOCK_FILE.length - 1)}: ${owner.mode} mode, process ${owner.pid} on ${owner.host}, ` +
        `started ${owner.startedAt}. Close it first, or give this one another folder (CATNET_USER_DATA). ` +
        `If no catnet is running, delete ${file}.`,
    );
  }
}

export interface FolderLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours. Idempotent; never throws. */
  release(): Promise<void>;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isInteger(o.pid) || (o.pid as number) <= 0) return undefined;
    return {
      pid: o.pid as number,
      mode: typeof o.mode === 'string' ? o.mode.slice(0, 40) : 'unknown',
      host: typeof o.host === 'string' ? o.host.slice(0, 255) : 'unknown host',
      startedAt: typeof o.startedAt === 'string' ? o.startedAt.slice(0, 40) : 'at an unknown time',
    };
  } catch {
    return undefined;
  }
}

/** Whether `owner` (read from the lock file) still holds it: same host and its process running. */
function holds(owner: LockOwner | undefined): owner is LockOwner {
  if (!owner) return false; // unreadable or half-written by a holder that died while writing it
  if (owner.host !== hostname()) return true;
  return owner.pid === process.pid || processAlive(owner.pid);
}

/**
 * Takes the lock on `folder` (which must exist) for this process. Throws FolderLocked when another
 * running instance holds it; takes over a stale lock (its process is gone) or our own.
 */
export async function lockFolder(folder: string, mode: string): Promise<FolderLock> {
  const file = join(folder, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, mode, host: hostname(), startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(owner)}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644); // O_EXCL: exactly one creator wins
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
    }
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    if (existing === undefined) continue; // removed meanwhile: try again
    const current = parseOwner(existing);
    if (holds(current) && current.pid !== process.pid) throw new FolderLocked(file, current);
    // Stale or ours: remove it only if it is still the content we judged (another starter may have
    // taken it over meanwhile), then race for it again with O_EXCL.
    const again = await readFile(file, 'utf8').catch(() => undefined);
    if (again === existing) await unlink(file).catch(() => {});
  }
  held.set(file, text);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const f of [...held.keys()]) releaseSync(f);
    });
  }
  return { file, owner, release: async () => releaseSync(file, text) };
}

/** Lock files this process holds, with the text it wrote (removed at exit if still ours). */
const held = new Map<string, string>();
let exitHook = false;

/** Deletes `file` if it still holds `text` (default: what this process wrote); never throws. */
function releaseSync(file: string, text = held.get(file)): void {
  if (text === undefined || held.get(file) !== text) return;
  held.delete(file);
  try {
    if (readFileSync(file, 'utf8') === text) unlinkSync(file);
  } catch {
    // already gone, or the folder went away: nothing to release
  }
}
