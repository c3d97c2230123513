// Regression: a process whose main thread never loads the native addon runs trainInWorker three
// times. Node unloads the addon when the last worker using it exits; the kernels' thread pool
// outlives that worker, so without the library kept resident (-z nodelete) the third run hung.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { backendInfo } from '../../../src-core/kernels/select.js';

const root = join(import.meta.dirname, '../../..');
const dir = join(root, 'test-output', `worker-reload-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const native = backendInfo().backend === 'native';
if (!native) console.warn(`worker reload test skipped: the native addon is not in use (${backendInfo().reason})`);

it.skipIf(!native)(
  'three training runs in fresh workers all complete when the main thread never loaded the addon',
  async () => {
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { trainInWorker } from ${JSON.stringify(join(root, 'src-core/train/trainer.ts'))};
const m = 64;
const X = new Uint8Array(new SharedArrayBuffer(m * 12288));
for (let i = 0; i < X.length; i++) X[i] = (i * 2654435761) >>> 24;
const Y = new Uint8Array(m).map((_, i) => i % 2);
for (let run = 1; run <= 3; run++) {
  const r = await trainInWorker({ X, Y, m }, { hiddenLayers: [20, 7, 5], activation: 'relu', init: 'course',
    learningRate: 0.0075, iterations: 100, seed: 1 }, {});
  console.log('run ' + run + ' ' + r.stopped);
}
`,
    );
    const out = join(dir, 'entry.mjs');
    await esbuild.build({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'warning',
    });
    const child = spawnSync(process.execPath, [out], {
      encoding: 'utf8',
      timeout: 45_000,
      env: { ...process.env, CATNET_THREADS: '2' },
    });
    expect(child.signal, `child hung or crashed: ${child.stderr}`).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim().split('\n')).toEqual(['run 1 completed', 'run 2 completed', 'run 3 completed']);
  },
);
