// The benchmark harness end to end in --quick mode: it runs, prints one JSON object with every
// section, figure and target, and writes the same object with --out. No timing is asserted: the
// figures of a quick run mean nothing, only their presence and sanity (finite, positive) is checked.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', '..', 'dist', 'bench', 'bench.mjs');
const outDir = mkdtempSync(join(tmpdir(), 'catnet-bench-smoke-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const TARGET_IDS = [
  'train_course_ms',
  'train_course_percent_of_peak',
  'train_vs_torch',
  'gemm_workload_percent_of_peak',
  'threads_speedup',
  'scaling_10x',
  'scaling_100x',
  'memory_largest_mb',
  'ingest_isolated_vs_pillow',
  'ingest_vs_pillow',
  'ingest_cached',
  'inference_single_ms',
  'folder_predict_vs_ingest',
  'responsive_training_ms',
  'responsive_import_ms',
  'cnn_epoch_vs_torch',
];

function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, ...args], { maxBuffer: 64 << 20, timeout: 240_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

/** The number at a dotted path, failing the test with the path when it is not finite and > 0. */
function positive(obj: unknown, path: string): number {
  let v: unknown = obj;
  for (const key of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[key];
  expect(typeof v, path).toBe('number');
  expect(Number.isFinite(v) && (v as number) > 0, `${path} = ${v}`).toBe(true);
  return v as number;
}

describe('npm run bench --quick', () => {
  it('prints one JSON object with every section, figure and target', { timeout: 300_000 }, async () => {
    const out = join(outDir, 'bench.json');
    const { stdout, stderr } = await run(['--quick', '--out', out]);
    const r = JSON.parse(stdout);
    expect(stderr).toMatch(new RegExp(`\\[bench .*done: \\d+ of ${TARGET_IDS.length} targets met`));
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(r);

    expect(r.quick).toBe(true);
    positive(r, 'machine.cores');
    // The FMA peak is measured (bench/native/fma-peak.c) wherever a C compiler is, per thread count.
    if ('by_threads' in r.machine.peak_measured) {
      positive(r, 'machine.peak_gflops');
      expect(r.machine.peak_measured.by_threads).toHaveLength(r.machine.cores);
      for (const p of r.machine.peak_measured.by_threads) expect(p.gflops).toBeGreaterThan(0);
      expect(r.machine.peak_source).toMatch(/^measured: /);
    } else {
      expect(r.machine.peak_source).toMatch(/^not measured \(/);
      console.warn(`bench smoke: ${r.machine.peak_source}`);
    }
    expect(r.ingest.cold_means).toMatch(/cold vector cache.*warm OS page cache/);
    expect(r.peer_blas.numpy.library.length).toBeGreaterThan(0);

    positive(r, 'training.course_net.ms_per_iteration');
    positive(r, 'training.course_net.gflops');
    expect(r.training.course_net.layer_dims).toEqual([12288, 20, 7, 5, 1]);
    expect(r.training.scaling.runs).toHaveLength(3);
    for (const i of [0, 1, 2]) {
      positive(r, `training.scaling.runs.${i}.us_per_image`);
      positive(r, `training.scaling.runs.${i}.peak_rss_mb`);
      positive(r, `training.scaling.cost_ratio_vs_smallest.${i}`);
    }
    expect(r.training.scaling.runs[0].images).toBeLessThan(r.training.scaling.runs[2].images);

    positive(r, 'ingest.same_files.cold_images_per_s');
    positive(r, 'ingest.same_files.cached_images_per_s');
    positive(r, 'inference.single_image_ms_median');
    positive(r, 'inference.folder_images_per_s');
    expect(r.responsiveness.training.max_ms).toBeGreaterThanOrEqual(0);
    expect(r.responsiveness.training.mini_batch.progress_events).toBeGreaterThan(0);
    expect(r.responsiveness.import.max_ms).toBeGreaterThanOrEqual(0);

    expect(r.targets.map((t: { id: string }) => t.id)).toEqual(TARGET_IDS);
    for (const t of r.targets) {
      expect(typeof t.met, t.id).toBe('boolean');
      if (t.measured === null) expect(t.met, t.id).toBe(false);
      else expect(Number.isFinite(t.measured), t.id).toBe(true);
    }
    expect(r.targets_met).toMatch(new RegExp(`^\\d+/${TARGET_IDS.length}$`));
    expect(Array.isArray(r.peers_missing)).toBe(true);
    expect(r.peers_skipped).toContain('torch: --quick (run `npm run bench` for the PyTorch figure)');
    if (existsSync('/usr/bin/python3') && r.peers_missing.length === 0) {
      positive(r, 'peers.numpy.ms_per_iteration');
      positive(r, 'peers.pillow.images_per_s');
      positive(r, 'ratios.ingest_vs_pillow');
    } else {
      console.warn(`bench smoke: peers missing, their figures not checked: ${r.peers_missing.join('; ')}`);
    }
  });

  it('refuses an unknown section with a message naming it', async () => {
    await expect(run(['--only', 'trainng'])).rejects.toThrow(/unknown section "trainng"/);
  });
});
