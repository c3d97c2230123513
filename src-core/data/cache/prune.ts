// Keeps a cache folder from growing forever: cache files not used for `maxAgeDays` and temporary
// files left by a crash are deleted. Used files are touched on every import, so "age" means "since
// last used". Best effort: failures are ignored (the cache is only a speed-up).

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/** Cache files unused for this long are deleted. */
export const CACHE_MAX_AGE_DAYS = 60;
/** A temporary file older than this was left by a crash. */
const TMP_MAX_AGE_MS = 60 * 60 * 1000;

/** Marks cache files as used now (their mtime is the "last used" clock). */
export async function touchCacheFiles(files: string[]): Promise<void> {
  const now = new Date();
  await Promise.all(files.map((f) => fsp.utimes(f, now, now).catch(() => {})));
}

/** Deletes stale catnet cache files in `cacheDir`; returns how many were deleted. Never throws. */
export async function pruneCache(cacheDir: string, maxAgeDays = CACHE_MAX_AGE_DAYS, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await fsp.readdir(cacheDir);
  } catch {
    return 0;
  }
  let deleted = 0;
  for (const name of names) {
    if (!name.startsWith('vectors-')) continue; // only our files, whatever else shares the folder
    const isTmp = name.endsWith('.tmp');
    if (!isTmp && !name.endsWith('.cnvc')) continue;
    const path = join(cacheDir, name);
    try {
      const st = await fsp.lstat(path);
      const age = now - st.mtimeMs;
      if (st.isFile() && age > (isTmp ? TMP_MAX_AGE_MS : maxAgeDays * 86_400_000)) {
        await fsp.rm(path, { force: true });
        deleted++;
      }
    } catch {
      // vanished or unreadable: leave it
    }
  }
  return deleted;
}
