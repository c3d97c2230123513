// The saved project: round trip, atomic writes, and a damaged file kept aside with a notice.

import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import { PRESETS } from '../../src-main/contract.js';
import { emptyProject, PROJECT_FILE, ProjectStore } from '../../src-main/services/project.js';

describe('project store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catnet-project-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty without a file, and reads back what it saved', async () => {
    const store = new ProjectStore(dir);
    const first = await store.load();
    expect(first.notice).toBeUndefined();
    expect(first.project).toEqual(emptyProject());
    const project = {
      ...emptyProject(),
      classNames: ['dog', 'not dog'] as [string, string],
      folders: [{ role: 'train-positive' as const, path: '/data/dogs' }],
      removedImages: ['/data/dogs/blurry.jpg'],
      settings: PRESETS['two-layer'],
      history: [
        {
          startedAt: '2026-01-01T00:00:00.000Z',
          settings: PRESETS['two-layer'],
          iterations: 10,
          finalCost: 0.5,
          trainAccuracy: 0.75,
          stopped: 'completed' as const,
          seconds: 1,
        },
      ],
    };
    await store.save(project);
    expect(JSON.parse(await readFile(join(dir, PROJECT_FILE), 'utf8'))).toEqual(project);
    expect((await store.load()).project).toEqual(project);
    // atomic write: no temporary file left next to it
    expect(await readdir(dir)).toEqual([PROJECT_FILE]);
  });

  it('keeps a failed run (cost NaN) through the JSON round trip', async () => {
    const store = new ProjectStore(dir);
    const run = {
      startedAt: 'x',
      settings: PRESETS.logistic,
      iterations: 0,
      finalCost: Number.NaN,
      trainAccuracy: 0,
      stopped: 'failed' as const,
      seconds: 0,
    };
    await store.save({ ...emptyProject(), history: [run] });
    const loaded = await store.load();
    expect(loaded.notice).toBeUndefined();
    expect(loaded.project.history[0]!.finalCost).toBeNaN();
  });

  for (const [what, content] of [
    ['not JSON', '{"format": "catnet-proj'],
    ['JSON of the wrong shape', JSON.stringify({ format: 'catnet-project', version: 1, classNames: 'cats' })],
    ['empty', ''],
  ] as const) {
    it(`moves a damaged file (${what}) aside and starts clean with a notice`, async () => {
      await writeFile(join(dir, PROJECT_FILE), content);
      const loaded = await new ProjectStore(dir).load();
      expect(loaded.project).toEqual(emptyProject());
      expect(loaded.notice).toMatch(/could not be read/);
      const files = await readdir(dir);
      const aside = files.find((f) => f.startsWith(`${PROJECT_FILE}.bad-`));
      expect(aside, files.join(', ')).toBeDefined();
      expect(loaded.notice).toContain(aside!);
      expect(await readFile(join(dir, aside!), 'utf8')).toBe(content);
      expect(existsSync(join(dir, PROJECT_FILE))).toBe(false);
    });
  }
});

describe('project through the back end', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catnet-backend-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('restores names and settings at the next start, and "New project" clears them', async () => {
    const a = await Backend.create({ userData: dir, transport: 'browser' });
    expect(await a.call('setClassNames', [['dog', 'not dog']])).toMatchObject({
      ok: { classNames: ['dog', 'not dog'] },
    });
    expect(await a.call('updateSettings', [PRESETS.logistic])).toMatchObject({ ok: { settings: PRESETS.logistic } });
    await a.dispose();
    const b = await Backend.create({ userData: dir, transport: 'browser' });
    const restored = await b.call('getProject', []);
    expect(restored).toMatchObject({ ok: { classNames: ['dog', 'not dog'], settings: PRESETS.logistic } });
    expect((restored as { ok: { notice?: string } }).ok.notice).toBeUndefined();
    const fresh = await b.call('newProject', []);
    expect(fresh).toMatchObject({ ok: { classNames: emptyProject().classNames, folders: [], model: null } });
    await b.dispose();
  });

  it('starts with a notice when the saved project is damaged, and saves a good one after', async () => {
    await writeFile(join(dir, PROJECT_FILE), '\u0000garbage');
    const backend = await Backend.create({ userData: dir, transport: 'browser' });
    const state = (await backend.call('getProject', [])) as { ok: { notice?: string } };
    expect(state.ok.notice).toMatch(/kept as .*project\.json\.bad-/);
    await backend.call('setClassNames', [['a', 'b']]);
    expect((await new ProjectStore(dir).load()).project.classNames).toEqual(['a', 'b']);
    await backend.dispose();
  });

  it('rejects invalid class names without changing the project', async () => {
    const backend = await Backend.create({ userData: dir, transport: 'browser' });
    const bad = await backend.call('setClassNames', [['', 'x']]);
    expect(bad).toMatchObject({ error: expect.stringMatching(/Invalid arguments to setClassNames/) });
    expect(await backend.call('getProject', [])).toMatchObject({ ok: { classNames: emptyProject().classNames } });
    await backend.dispose();
  });
});

describe('project saves in quick succession', () => {
  it('leave the last snapshot on disk, whatever order the writes finish in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'catnet-project-order-'));
    const store = new ProjectStore(dir);
    const saves = Array.from({ length: 20 }, (_, k) =>
      store.save({ ...emptyProject(), classNames: [`class ${k}`, 'other'] }),
    );
    await Promise.all(saves);
    expect((await store.load()).project.classNames).toEqual(['class 19', 'other']);
    expect(await readdir(dir)).toEqual([PROJECT_FILE]);
    await rm(dir, { recursive: true, force: true });
  });
});
