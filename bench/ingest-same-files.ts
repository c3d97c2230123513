// catnet's import on the very JPEG folder the Pillow peer reads, in the same run: importFolders cold
// (every file decoded, into a fresh cache folder; best of 3) and cached (re-opening the same folder), with
// the CPU time used (does it use every core?) and the main thread's longest event-loop delay.
// The OS file cache is warm for both catnet and Pillow (the files were just written or read).

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFolders } from '../src-core/data/import.js';
import { type LoopDelay, loopDelayDuring } from './responsiveness.js';
import { nowMs } from './stats.js';

export interface IngestPass {
  images_per_s: number;
  seconds: number;
  /** Process CPU time / (wall time x cores): 1 = every core busy the whole time. */
  cpu_utilisation: number;
  loop_delay: LoopDelay;
}

export interface SameFilesIngest {
  folder: string;
  images: number;
  cores: number;
  cold_images_per_s: number;
  cached_images_per_s: number;
  cold_cpu_utilisation: number;
  /** The same cold import decoded in the decode process, as the app imports (best of 3). */
  cold_isolated_images_per_s: number;
  passes: { cold: IngestPass[]; cached: IngestPass[]; cold_isolated: IngestPass[] };
  /** Longest main-thread event-loop delay over every pass. */
  max_loop_delay_ms: number;
}

async function timedImport(folder: string, cacheDir: string, expected: number, isolate = false): Promise<IngestPass> {
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  let m = 0;
  const loop_delay = await loopDelayDuring(async () => {
    m = (await importFolders({ folders: [{ path: folder, label: 1 }], cacheDir, isolate })).dataset.m;
  });
  const seconds = (nowMs() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (m !== expected) throw new Error(`ingest bench: imported ${m} of the ${expected} images in ${folder}`);
  return {
    images_per_s: m / seconds,
    seconds,
    cpu_utilisation: (cpu.user + cpu.system) / 1e6 / (seconds * availableParallelism()),
    loop_delay,
  };
}

export async function benchIngestSameFiles(folder: string, images: number, quick: boolean): Promise<SameFilesIngest> {
  const cold: IngestPass[] = [];
  const cached: IngestPass[] = [];
  const coldIsolated: IngestPass[] = [];
  // Best of 3 cold passes, like the Pillow peer's best of 3: each into a fresh cache folder, so every
  // file is decoded; the cached passes then re-open the last one.
  const cacheDirs: string[] = [];
  try {
    // In-process and decode-process passes alternate, so both see the same machine load.
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      cacheDirs.push(mkdtempSync(join(tmpdir(), 'catnet-bench-cache-')));
      cold.push(await timedImport(folder, cacheDirs[cacheDirs.length - 1], images));
      const isolatedDir = mkdtempSync(join(tmpdir(), 'catnet-bench-cache-'));
      cacheDirs.unshift(isolatedDir);
      coldIsolated.push(await timedImport(folder, isolatedDir, images, true));
    }
    const cacheDir = cacheDirs[cacheDirs.length - 1];
    for (let i = 0; i < (quick ? 1 : 2); i++) cached.push(await timedImport(folder, cacheDir, images));
  } finally {
    for (const d of cacheDirs) rmSync(d, { recursive: true, force: true });
  }
  const best = (passes: IngestPass[]) => passes.reduce((a, b) => (b.images_per_s > a.images_per_s ? b : a));
  return {
    folder,
    images,
    cores: availableParallelism(),
    cold_images_per_s: best(cold).images_per_s,
    cached_images_per_s: best(cached).images_per_s,
    cold_cpu_utilisation: best(cold).cpu_utilisation,
    cold_isolated_images_per_s: best(coldIsolated).images_per_s,
    passes: { cold, cached, cold_isolated: coldIsolated },
    max_loop_delay_ms: Math.max(...[...cold, ...cached].map((p) => p.loop_delay.max_ms)),
  };
}
