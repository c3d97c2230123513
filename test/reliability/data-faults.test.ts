// Faults in the user's data and the app's own files, through the whole back end: the vector cache
// truncated, corrupted at random, replaced by a directory or a device; a folder deleted while it is
// being imported; the project state file damaged in many ways. Each time: detected, the app starts,
// says what happened, rebuilds what it can, and keeps the damaged file aside rather than deleting it.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import type { FolderImportReport, ProjectState } from '../../src-main/contract.js';
import { PROJECT_FILE } from '../../src-main/services/project.js';
import { ok } from '../helpers/backend.js';
import { makeJpeg, makePng } from '../helpers/make-images.js';
import '../helpers/fuzz-seed.js';

const RUNS = Math.min(Number(process.env.CATNET_FUZZ_RUNS ?? 20), 100);

async function imageFolder(dir: string, n: number, seed: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++)
    writeFileSync(join(dir, `img-${i}.${i % 2 ? 'png' : 'jpg'}`), await (i % 2 ? makePng : makeJpeg)(48, 40, seed + i));
}

/** The pixels the back end holds, by path (the oracle: a cold import). */
function vectorsOf(backend: Backend): Map<string, string> {
  return new Map(backend.library.all().map((i) => [i.path, Buffer.from(i.vector).toString('base64')]));
}

describe('the vector cache damaged between runs', () => {
  let root: string;
  let folder: string;
  let cold: Map<string, string>;
  const cacheFile = (userData: string) => {
    const dir = join(userData, 'cache');
    return join(dir, readdirSync(dir).find((f) => f.endsWith('.cnvc'))!);
  };
  /** A user-data folder whose project has `folder` imported (cache written). */
  const prepared = async (): Promise<string> => {
    const userData = mkdtempSync(join(root, 'ud-'));
    const b = await Backend.create({ userData, transport: 'browser' });
    ok(await b.call('addFolder', ['train-positive', folder]));
    await b.dispose();
    return userData;
  };
  const restart = async (userData: string) => {
    const b = await Backend.create({ userData, transport: 'browser' });
    await b.whenReady();
    return b;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'catnet-cachefault-'));
    folder = join(root, 'images');
    await imageFolder(folder, 16, 1);
    const userData = await prepared();
    const b = await restart(userData);
    cold = vectorsOf(b);
    expect(cold.size).toBe(16);
    expect(ok<FolderImportReport[]>(await b.call('lastImportReports', []))[0]!.fromCache).toBe(16);
    await b.dispose();
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('random byte mutations and truncations: the same pixels as a cold import, and the cache is rebuilt', async () => {
    const userData = await prepared();
    const file = cacheFile(userData);
    const good = readFileSync(file);
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat({ max: good.length - 1 }) }),
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
      }),
      fc.record({ kind: fc.constant('noise' as const), bytes: fc.uint8Array({ maxLength: 4096 }) }),
    );
    let rebuilt = 0;
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const bad = Buffer.from(good);
        if (d.kind === 'flip') for (const [at, x] of d.at) bad[at] ^= x;
        writeFileSync(
          file,
          d.kind === 'truncate' ? good.subarray(0, d.keep) : d.kind === 'noise' ? Buffer.from(d.bytes) : bad,
        );
        const b = await restart(userData);
        try {
          expect(vectorsOf(b)).toEqual(cold);
          const report = ok<FolderImportReport[]>(await b.call('lastImportReports', []))[0]!;
          if (report.fromCache < 16) rebuilt++;
        } finally {
          await b.dispose();
        }
        // The cache written after the damage is whole again.
        const again = await restart(userData);
        try {
          expect(ok<FolderImportReport[]>(await again.call('lastImportReports', []))[0]!.fromCache).toBe(16);
        } finally {
          await again.dispose();
        }
      }),
      { numRuns: RUNS },
    );
    expect(rebuilt).toBeGreaterThan(0);
  });

  for (const [what, replace] of [
    ['a directory', (f: string) => mkdirSync(f)],
    ['a symlink to /dev/zero', (f: string) => symlinkSync('/dev/zero', f)],
    ['a symlink to /dev/urandom', (f: string) => symlinkSync('/dev/urandom', f)],
  ] as const)
    it(`the cache file replaced by ${what}: imports the same pixels, without hanging`, async () => {
      const userData = await prepared();
      const file = cacheFile(userData);
      rmSync(file);
      replace(file);
      const b = await restart(userData);
      try {
        expect(vectorsOf(b)).toEqual(cold);
        expect(ok<ProjectState>(await b.call('getProject', [])).counts['train-positive']).toBe(16);
      } finally {
        await b.dispose();
      }
    });

  // The data layer's import warnings reach the app's report (ImportReport.warnings), not only its log.
  it('the import report tells the user the cache was damaged and rebuilt', async () => {
    const userData = await prepared();
    writeFileSync(cacheFile(userData), 'damaged');
    const b = await restart(userData);
    try {
      const report = ok<FolderImportReport[]>(await b.call('lastImportReports', []))[0]!;
      expect(report.warnings?.join(' ')).toMatch(/cache .* was damaged/);
    } finally {
      await b.dispose();
    }
  });

  it('the cache folder is a file: imports without a cache', async () => {
    const userData = await prepared();
    rmSync(join(userData, 'cache'), { recursive: true });
    writeFileSync(join(userData, 'cache'), 'not a folder');
    const b = await restart(userData);
    try {
      expect(vectorsOf(b)).toEqual(cold);
    } finally {
      await b.dispose();
    }
  });
});

describe('a folder deleted during its import', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'catnet-vanish-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the import ends with a report or a clear error, the app keeps serving, and a restart says so', async () => {
    const folder = join(root, 'going');
    await imageFolder(folder, 150, 50);
    const userData = mkdtempSync(join(root, 'ud-'));
    const b = await Backend.create({ userData, transport: 'browser' });
    let deleted = false;
    b.events.subscribe((e) => {
      if (e.type === 'import-progress' && !deleted && e.done > 0) {
        deleted = true;
        rmSync(folder, { recursive: true, force: true });
      }
    });
    const r = (await b.call('addFolder', ['train-positive', folder])) as { ok?: FolderImportReport; error?: string };
    expect(deleted).toBe(true);
    if (r.ok) {
      expect(r.ok.accepted + r.ok.skipped.length).toBeLessThanOrEqual(150);
      for (const s of r.ok.skipped) expect(s.reason).toMatch(/disappeared|deleted|moved|no such|vanished/i);
      console.info(`folder deleted mid-import: ${r.ok.accepted} imported, ${r.ok.skipped.length} reported as gone`);
    } else {
      expect(r.error).toMatch(new RegExp(folder));
      console.info(`folder deleted mid-import: error "${r.error}"`);
    }
    const project = ok<ProjectState>(await b.call('getProject', []));
    expect(project.counts['train-positive']).toBe(r.ok?.accepted ?? 0);
    // Adding it again: it does not exist.
    expect(await b.call('addFolder', ['train-positive', folder])).toMatchObject({
      error: expect.stringMatching(/does not exist/),
    });
    await b.dispose();
    if (r.ok) {
      // The project remembers the folder; the next start says it could not be imported again.
      const again = await Backend.create({ userData, transport: 'browser' });
      await again.whenReady();
      const state = ok<ProjectState>(await again.call('getProject', []));
      expect(state.notice).toMatch(/could not be imported again/);
      await again.dispose();
    }
  });
});

describe('the project state file damaged', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'catnet-projectfault-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const damages: [string, string | Buffer][] = [
    ['truncated JSON', '{"format":"catnet-project","version":1,"classNames":["a",'],
    ['empty', ''],
    ['random bytes', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256))],
    ['valid JSON of the wrong shape', '{"format":"catnet-project","version":1,"classNames":"cat"}'],
    ['a newer version', '{"format":"catnet-project","version":2}'],
    ['a JSON array', '[1,2,3]'],
    ['a prototype-polluting object', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'],
    ['hostile settings', JSON.stringify({ format: 'catnet-project', version: 1, settings: { hiddenLayers: [1e9] } })],
    ['NUL bytes', Buffer.alloc(100)],
    ['a huge string', `{"x":"${'a'.repeat(20_000_000)}"}`],
  ];
  for (const [what, content] of damages)
    it(`${what}: the app starts clean with a notice and keeps the bad file aside, byte for byte`, async () => {
      const userData = mkdtempSync(join(root, 'ud-'));
      writeFileSync(join(userData, PROJECT_FILE), content);
      const b = await Backend.create({ userData, transport: 'browser' });
      try {
        const state = ok<ProjectState>(await b.call('getProject', []));
        expect(state.notice).toMatch(/could not be read.*kept as .*project\.json\.bad-.*new project/);
        expect(state.classNames).toEqual(['cat', 'non-cat']);
        expect(state.folders).toEqual([]);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        const aside = readdirSync(userData).filter((n) => n.startsWith(`${PROJECT_FILE}.bad-`));
        expect(aside).toHaveLength(1);
        expect(readFileSync(join(userData, aside[0]!)).equals(Buffer.from(content))).toBe(true);
        // The next change writes a good project that the next start reads without a notice.
        ok(await b.call('setClassNames', [['dog', 'not dog']]));
      } finally {
        await b.dispose();
      }
      const again = await Backend.create({ userData, transport: 'browser' });
      const state = ok<ProjectState>(await again.call('getProject', []));
      expect(state.notice).toBeUndefined();
      expect(state.classNames).toEqual(['dog', 'not dog']);
      await again.dispose();
    });

  it('project.json is a directory: the app starts clean with a notice', async () => {
    const userData = mkdtempSync(join(root, 'ud-'));
    mkdirSync(join(userData, PROJECT_FILE));
    const b = await Backend.create({ userData, transport: 'browser' });
    try {
      const state = ok<ProjectState>(await b.call('getProject', []));
      expect(state.notice).toMatch(/could not be read/);
      ok(await b.call('setClassNames', [['a', 'b']]));
    } finally {
      await b.dispose();
    }
  });
});
