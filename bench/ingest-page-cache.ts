// catnet's import with a cold page cache: the OS's file cache is dropped (Linux, as root:
// `sync; echo 1 > /proc/sys/vm/drop_caches`) and importFolders then reads every JPEG from the disk into
// a fresh vector cache. The other ingest figures have a cold vector cache but a warm page cache (the
// files were just written or read), so they measure decoding, not the disk. Where the cache cannot be
// dropped (not Linux, not root, a read-only /proc/sys) the figure is unavailable and says why.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFolders } from '../src-core/data/import.js';
import { nowMs } from './stats.js';

const DROP_CACHES = '/proc/sys/vm/drop_caches';

export type ColdPageCacheIngest =
  | { images_per_s: number; seconds: number; images: number; how: string }
  | { unavailable: string };

/** Drops the OS page cache, or returns why it cannot. */
function dropPageCache(): string | null {
  if (process.platform !== 'linux')
    return `dropping the page cache is only done on Linux (this is ${process.platform})`;
  try {
    execFileSync('sync');
    writeFileSync(DROP_CACHES, '1');
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message.split('\n')[0];
    return `cannot write ${DROP_CACHES} (${code}): dropping the page cache needs root and a writable /proc/sys`;
  }
}

export async function benchIngestColdPageCache(folder: string, images: number): Promise<ColdPageCacheIngest> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'catnet-bench-cold-'));
  try {
    const refused = dropPageCache();
    if (refused) return { unavailable: refused };
    const t0 = nowMs();
    const { dataset } = await importFolders({ folders: [{ path: folder, label: 1 }], cacheDir });
    const seconds = (nowMs() - t0) / 1000;
    if (dataset.m !== images) throw new Error(`cold page cache ingest: imported ${dataset.m} of ${images} images`);
    return { images_per_s: images / seconds, seconds, images, how: `sync; echo 1 > ${DROP_CACHES}, one pass` };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
