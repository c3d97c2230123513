// Property: API calls arriving together (a user clicking fast, two windows, a page and a script)
// never leave the saved project different from what the app shows. After a random batch of
// concurrent calls settles, a restart from disk shows the same class names, settings and folders.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import { DEFAULT_SETTINGS, type ProjectState } from '../../src-main/contract.js';
import { refusingTrainer } from '../helpers/backend.js';
import { makePng, writeFiles } from '../helpers/make-images.js';
import '../helpers/fuzz-seed.js';

const RUNS = Math.min(Number(process.env.CATNET_FUZZ_RUNS ?? 25), 60);

describe('concurrent API calls', () => {
  let root: string;
  const folders: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'catnet-concurrent-'));
    for (let f = 0; f < 2; f++) {
      const dir = join(root, `folder-${f}`);
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 5; i++) files[`img-${i}.png`] = await makePng(40, 40, 100 * f + i);
      writeFiles(dir, files);
      folders.push(dir);
    }
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const call = fc.oneof(
    fc
      .tuple(fc.constantFrom('cat', 'dog', 'bird'), fc.constantFrom('not cat', 'not dog', 'fish'))
      .map((names) => ['setClassNames', [names]] as const),
    fc.integer({ min: 1, max: 9 }).map((seed) => ['updateSettings', [{ ...DEFAULT_SETTINGS, seed }]] as const),
    fc
      .tuple(fc.constantFrom('train-positive', 'train-negative', 'test-positive'), fc.nat(1))
      .map(([role, f]) => ['addFolder', [role, f]] as const),
    fc
      .tuple(fc.constantFrom('train-positive', 'train-negative'), fc.nat(1))
      .map(([role, f]) => ['removeFolder', [role, f]] as const),
    fc.constant(['newProject', []] as const),
    fc.constant(['getProject', []] as const),
  );

  it('after a random batch of concurrent calls, the saved project equals the shown one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 2, maxLength: 7 }), async (calls) => {
        const userData = mkdtempSync(join(root, 'ud-'));
        const backend = await Backend.create({ userData, transport: 'browser', startTrainer: refusingTrainer });
        try {
          await Promise.all(
            calls.map(([method, args]) => {
              const real =
                method === 'addFolder' || method === 'removeFolder' ? [args[0], folders[args[1] as number]] : [...args];
              return backend.call(method, real);
            }),
          );
          const shown = ((await backend.call('getProject', [])) as { ok: ProjectState }).ok;
          await backend.dispose();
          const again = await Backend.create({ userData, transport: 'browser', startTrainer: refusingTrainer });
          await again.whenReady();
          const saved = ((await again.call('getProject', [])) as { ok: ProjectState }).ok;
          await again.dispose();
          const view = (p: ProjectState) => ({
            classNames: p.classNames,
            settings: p.settings,
            folders: p.folders.map((f) => `${f.role} ${f.path}`).sort(),
            counts: p.counts,
          });
          expect(view(saved), JSON.stringify(calls)).toEqual(view(shown));
        } finally {
          rmSync(userData, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  });
});
