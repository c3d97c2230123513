// Ingest benchmark: a folder of photo-sized JPEGs (~400x350) imported cold (read + decode +
// preprocess + cache write, fresh cache folder) and again from the vector cache; images/s, the time
// per stage and peak memory, on the JPEG folder bench/bench.ts shares with the Pillow peer.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { importFolders } from '../src-core/data/import.js';

export interface IngestBenchOptions {
  /** Folder of .jpg files to import. */
  folder: string;
  /** Timed passes of each kind; the best is reported (default 3). */
  repeats?: number;
  log?: (line: string) => void;
}

/** Samples RSS every 10 ms while `fn` runs; returns fn's result and the largest RSS seen (MiB). */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakRssMB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakRssMB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * MB/s at which this machine hands out fresh memory (first write to newly allocated pages). A cached
 * import writes 12 KB of fresh memory per image (the Dataset), so this bounds its rate; on some VMs
 * it is far below memory bandwidth.
 */
function firstTouchMBps(): number {
  const bytes = 64 * 2 ** 20;
  const t = performance.now();
  new Uint8Array(new SharedArrayBuffer(bytes)).fill(1);
  return bytes / 2 ** 20 / ((performance.now() - t) / 1000);
}

export async function benchIngest(opts: IngestBenchOptions): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => {});
  const { folder } = opts;
  const n = readdirSync(folder).filter((f) => f.toLowerCase().endsWith('.jpg')).length;
  const repeats = opts.repeats ?? 3;
  const root = mkdtempSync(join(tmpdir(), 'catnet-bench-ingest-'));
  const folders = [{ path: folder, label: 1 as const }];
  try {
    // Keep the reports only: holding every run's Dataset would inflate the peak RSS of later runs.
    const run = (cacheDir: string, isolate = false) =>
      withPeakRss(async () => {
        const { dataset, report } = await importFolders({ folders, cacheDir, isolate });
        return { m: dataset.m, report };
      });
    type Run = Awaited<ReturnType<typeof run>>;
    const best = (runs: Run[]) => runs.reduce((a, b) => (b.value.report.seconds < a.value.report.seconds ? b : a));
    const cold: Run[] = [];
    const cached: Run[] = [];
    const isolated: Run[] = [];
    for (let r = 0; r < repeats; r++) {
      const cacheDir = join(root, `cache-${r}`);
      log(`ingest: cold import ${r + 1}/${repeats} of ${n} JPEGs`);
      cold.push(await run(cacheDir));
      log(`ingest: cached re-open ${r + 1}/${repeats}`);
      cached.push(await run(cacheDir));
      log(`ingest: cold import ${r + 1}/${repeats} in the decode process (as the app imports)`);
      isolated.push(await run(join(root, `cache-isolated-${r}`), true));
    }
    const c = best(cold);
    const h = best(cached);
    if (c.value.m !== n || h.value.report.fromCache !== n)
      throw new Error(
        `ingest bench: expected ${n} images, got ${c.value.m} imported, ${h.value.report.fromCache} cached`,
      );
    const rounded = (o: Record<string, number>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
    return {
      images: n,
      folder,
      cores: availableParallelism(),
      uv_threadpool_size: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
      sharp_concurrency: sharp.concurrency(),
      sharp_version: sharp.versions.sharp,
      cold_images_per_s: n / c.value.report.seconds,
      cold_seconds: cold.map((r) => r.value.report.seconds),
      cold_isolated_images_per_s: n / best(isolated).value.report.seconds,
      cold_isolated_seconds: isolated.map((r) => r.value.report.seconds),
      cold_phases_s: rounded(c.value.report.phases),
      cached_images_per_s: n / h.value.report.seconds,
      cached_seconds: cached.map((r) => r.value.report.seconds),
      cached_phases_s: rounded(h.value.report.phases),
      peak_rss_mb_cold: Math.max(...cold.map((r) => r.peakRssMB)),
      peak_rss_mb_cached: Math.max(...cached.map((r) => r.peakRssMB)),
      dataset_mb: (n * 12288) / 2 ** 20,
      first_touch_memory_mb_per_s: firstTouchMBps(),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
