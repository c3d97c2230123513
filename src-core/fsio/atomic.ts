// Atomic file replacement: readers see the old file or the new one, never a partial write, and a
// failed write leaves the old file untouched.

import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to a temporary file in the destination's folder (same file system, so rename is
 * atomic), flushes it to disk, renames it over `path`, then flushes the folder so the rename itself
 * survives a power cut. A replaced file keeps its permission bits (a 0600 file stays 0600); a new
 * file gets 0644 minus the umask. Errors name the destination.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const replaced = await stat(path).catch(() => undefined);
    // Replacing: created owner-only, then given the replaced file's bits (never wider in between).
    const handle = await open(tmp, 'wx', replaced?.isFile() ? 0o600 : 0o644);
    try {
      if (replaced?.isFile()) await handle.chmod(replaced.mode & 0o7777);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`Could not write ${path}: ${why}. Check that the folder exists and is writable.`);
  }
  await syncFolder(dirname(path));
}

/**
 * Flushes a folder's entries (the rename) to disk. Best effort after the rename has happened: the
 * new file is already in place, so a folder that cannot be opened or synced (Windows, some network
 * file systems) is not an error.
 */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EISDIR on file systems that do not sync folders: nothing more can be done
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Whether process `pid` still runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files writeFileAtomic left next to `path` when the writing process died
 * mid-write (killed, crashed, power cut): `.<name>.<pid>.<random>.tmp` whose pid no longer runs.
 * Called at start-up; `path` itself is never touched. Returns the paths removed; never throws.
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    const tmp = join(dir, name);
    if (
      await unlink(tmp).then(
        () => true,
        () => false,
      )
    )
      removed.push(tmp);
  }
  return removed;
}
