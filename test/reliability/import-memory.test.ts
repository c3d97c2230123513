// Decode memory is bounded by the images' declared sizes, not by the number of threads: a folder of
// six 10000x10000 progressive 4:4:4 JPEGs (each needs 600 MB of coefficient buffer to decode) plus
// ordinary photos is imported in a child process with the thread pool of a 2-, 4- and 16-core machine;
// its peak RSS must stay under 1.5 GB, the photos must be imported, and each big file imported or
// rejected with a reason that says so. By default the 16-core pool only (each run decodes 600 MP:
// ~45 s here); CATNET_MEMORY_CORES=2,4,16 runs more. A budget below one big image's need rejects them.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatProgressiveJpeg } from '../helpers/big-jpeg.js';
import { bundleTestScript } from '../helpers/crash-harness.js';
import { makeJpeg } from '../helpers/make-images.js';

const PHOTOS = 40;
const BIG = 6;
const LIMIT_MB = 1536;

let folder: string;
let script: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'catnet-bigjpeg-'));
  for (let i = 0; i < BIG; i++)
    writeFileSync(join(folder, `big-${i}.jpg`), flatProgressiveJpeg(10000, 10000, [40 + 30 * i, 120, 200 - 20 * i]));
  for (let i = 0; i < PHOTOS; i++) writeFileSync(join(folder, `photo-${i}.jpg`), await makeJpeg(640, 480, i));
  script = await bundleTestScript('test/reliability/import-memory-child.ts');
}, 60_000);
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  if (script) rmSync(script, { force: true });
});

interface ChildReport {
  accepted: number;
  skipped: { path: string; reason: string; message: string }[];
  seconds: number;
  peakRssMB: number;
}

/** Imports the folder in a child with the thread pool and concurrency of `cores` cores. */
function importInChild(cores: number, env: Record<string, string> = {}): ChildReport {
  const out = execFileSync(process.execPath, [script, folder], {
    env: {
      ...process.env,
      UV_THREADPOOL_SIZE: String(Math.max(4, cores)),
      CATNET_IMPORT_CONCURRENCY: String(Math.max(4, 2 * cores)),
      ...env,
    },
    encoding: 'utf8',
    timeout: 240_000,
  });
  const report = JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
  console.log(
    `${cores} cores${env.CATNET_DECODE_BUDGET_MB ? `, budget ${env.CATNET_DECODE_BUDGET_MB} MB` : ''}: ` +
      `peak RSS ${report.peakRssMB} MB, ${report.accepted} imported, ${report.skipped.length} skipped, ` +
      `${report.seconds.toFixed(1)} s`,
  );
  expect(report.peakRssMB).toBeLessThan(LIMIT_MB);
  expect(report.skipped.filter((s) => s.path.includes('photo-'))).toEqual([]);
  return report;
}

const CORES = (process.env.CATNET_MEMORY_CORES ?? '16').split(',').map(Number);

describe('import memory with huge progressive JPEGs', () => {
  for (const cores of CORES) {
    it(`stays under ${LIMIT_MB} MB peak with the thread pool of ${cores} cores, importing all`, () => {
      const report = importInChild(cores);
      expect(report.accepted).toBe(PHOTOS + BIG);
    }, 250_000);
  }

  it('rejects the big ones, saying how much memory they need, when the budget is smaller', () => {
    const report = importInChild(16, { CATNET_DECODE_BUDGET_MB: '256' });
    expect(report.accepted).toBe(PHOTOS);
    expect(report.skipped).toHaveLength(BIG);
    for (const s of report.skipped) {
      expect(s.reason).toBe('too-many-pixels');
      expect(s.message).toMatch(/needs \d{3} MB of memory to decode, more than the 256 MB catnet allows/);
    }
  }, 250_000);
});
