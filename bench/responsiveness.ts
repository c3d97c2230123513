// Does the main thread stay responsive? The longest event-loop delay (perf_hooks'
// monitorEventLoopDelay, 10 ms resolution) in this process's main thread while (a) training runs in
// the worker thread via src-core/train/trainer.ts and (b) a folder import runs, cold and from the
// cache. The main thread here stands for Electron's main process; the renderer is not measured.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { importFolders } from '../src-core/data/import.js';
import { nowMs } from './stats.js';

export interface LoopDelay {
  max_ms: number;
  p99_ms: number;
  mean_ms: number;
  seconds: number;
}

export interface ImportResponsiveness {
  import_cold: LoopDelay & { images: number };
  import_cached: LoopDelay & { images: number };
  /** Longest delay over all imports. */
  import_max_ms: number;
}

/** Runs `task` and reports how late a 10 ms timer in this thread fired while it ran. */
export async function loopDelayDuring(task: () => Promise<unknown>): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const start = nowMs();
  h.enable();
  try {
    await task();
  } finally {
    h.disable();
  }
  const seconds = (nowMs() - start) / 1000;
  // Histogram values are nanoseconds; an empty histogram (task shorter than one tick) reads 0.
  const count = h.count;
  return {
    max_ms: count > 0 ? h.max / 1e6 : 0,
    p99_ms: count > 0 ? h.percentile(99) / 1e6 : 0,
    mean_ms: count > 0 ? h.mean / 1e6 : 0,
    seconds,
  };
}

export async function benchImportResponsiveness(folder: string): Promise<ImportResponsiveness> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'catnet-bench-cache-'));
  try {
    const folders = [{ path: folder, label: 1 as const }];
    let images = 0;
    const cold = await loopDelayDuring(async () => {
      images = (await importFolders({ folders, cacheDir })).dataset.m;
    });
    let cachedImages = 0;
    const cached = await loopDelayDuring(async () => {
      cachedImages = (await importFolders({ folders, cacheDir })).dataset.m;
    });
    return {
      import_cold: { ...cold, images },
      import_cached: { ...cached, images: cachedImages },
      import_max_ms: Math.max(cold.max_ms, cached.max_ms),
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
