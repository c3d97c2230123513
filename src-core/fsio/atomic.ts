// Atomic file replacement: readers see the old file or the new one, never a partial write, and a
// failed write leaves the old file untouched.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to a temporary file in the destination's folder (same file system, so rename is
 * atomic), flushes it to disk, then renames it over `path`. Errors name the destination.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', 0o644);
    try {
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
}
