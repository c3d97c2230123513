// Several projects: Save as names the open project and keeps it in the list; New and Open keep the open
// project first (an unnamed one with work as "Untitled …"); opening brings back folders, settings,
// model (same probability on the same image) and history; a folder that moved is named as missing,
// stays in the project until removed, and everything else is kept; the name survives a restart.

import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import type { ImageEntry, Prediction, ProjectState, ProjectSummary } from '../../src-main/contract.js';
import { modelInfo } from '../../src-main/services/model.js';
import { ok, refusingTrainer } from '../helpers/backend.js';
import { writeFiles } from '../helpers/make-images.js';
import { redVsBlue, tinted } from '../helpers/red-vs-blue.js';

describe('several projects', () => {
  let work: string;
  let userData: string;
  let backend: Backend;
  const create = () => Backend.create({ userData, transport: 'browser', startTrainer: refusingTrainer });
  const state = async () => ok<ProjectState>(await backend.call('getProject', []));

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'catnet-projects-'));
    userData = join(work, 'user-data');
    for (const [name, rgb] of [
      ['reds', [220, 40, 40]],
      ['blues', [40, 40, 220]],
      ['others', [120, 200, 60]],
    ] as const) {
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 5; i++) files[`${i}.png`] = await tinted([...rgb], i + name.length * 10);
      writeFiles(join(work, name), files);
    }
    backend = await create();
  });

  afterAll(async () => {
    await backend?.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it('saves, starts anew, opens again with its model, and names a folder that moved', async () => {
    ok(await backend.call('addFolder', ['train-positive', join(work, 'reds')]));
    ok(await backend.call('addFolder', ['train-negative', join(work, 'blues')]));
    const model = redVsBlue();
    await backend.setModel(model, modelInfo(model, 'test'));
    await backend.changed();
    const first = ok<{ images: ImageEntry[] }>(await backend.call('listImages', ['train-positive', 0, 1])).images[0]!;
    const before = ok<Prediction>(await backend.call('classifyImage', [first.id]));
    expect(ok<ProjectState>(await backend.call('saveProjectAs', ['Red and blue'])).name).toBe('Red and blue');

    // New: empty and unnamed; the saved one is listed.
    const fresh = ok<ProjectState>(await backend.call('newProject', []));
    expect(fresh.name).toBeUndefined();
    expect(fresh.folders).toEqual([]);
    expect(fresh.model).toBeNull();
    expect(ok<ProjectSummary[]>(await backend.call('listProjects', []))).toMatchObject([
      { name: 'Red and blue', folders: 2, hasModel: true, runs: 0 },
    ]);

    // Work in an unnamed project is kept as "Untitled …" when another is opened.
    ok(await backend.call('addFolder', ['train-positive', join(work, 'others')]));
    const opened = ok<ProjectState>(await backend.call('openProject', ['Red and blue']));
    expect(opened.name).toBe('Red and blue');
    expect(opened.notice).toMatch(/kept as 'Untitled \d{4}-\d\d-\d\d \d\d:\d\d'/);
    expect(opened.counts).toMatchObject({ 'train-positive': 5, 'train-negative': 5 });
    expect(opened.model?.classNames).toEqual(['red', 'blue']);
    const list = ok<ProjectSummary[]>(await backend.call('listProjects', []));
    expect(list.map((p) => p.name).sort()).toEqual(['Red and blue', expect.stringMatching(/^Untitled /)].sort());
    const again = ok<{ images: ImageEntry[] }>(await backend.call('listImages', ['train-positive', 0, 1])).images[0]!;
    expect(again.path).toBe(first.path);
    const after = ok<Prediction>(await backend.call('classifyImage', [again.id]));
    expect(after.probability).toBe(before.probability);

    // The blues folder moves; opening the project again names it and keeps the rest.
    const untitled = list.find((p) => p.name.startsWith('Untitled'))!.name;
    ok(await backend.call('openProject', [untitled]));
    await rename(join(work, 'blues'), join(work, 'blues-moved'));
    const moved = ok<ProjectState>(await backend.call('openProject', ['Red and blue']));
    expect(moved.notice).toContain(`The folder ${join(work, 'blues')} could not be imported again`);
    expect(moved.notice).toContain('1 folder(s) of this project are missing; everything else was kept');
    expect(moved.folders).toContainEqual({
      role: 'train-negative',
      path: join(work, 'blues'),
      accepted: 0,
      skipped: 0,
      missing: true,
    });
    expect(moved.counts['train-positive']).toBe(5);
    expect(moved.model?.classNames).toEqual(['red', 'blue']);
    // Still missing after a restart (kept in the project), then removed on request.
    await backend.dispose();
    backend = await create();
    const restarted = await state();
    expect(restarted.name).toBe('Red and blue');
    expect(restarted.folders.filter((f) => f.missing)).toHaveLength(1);
    const removed = ok<ProjectState>(await backend.call('removeFolder', ['train-negative', join(work, 'blues')]));
    expect(removed.folders.map((f) => f.path)).toEqual([join(work, 'reds')]);
    // Found again at its new place: added like any folder.
    ok(await backend.call('addFolder', ['train-negative', join(work, 'blues-moved')]));
    expect((await state()).counts['train-negative']).toBe(5);
  });

  it('refuses a name another project has, and an unknown project', async () => {
    const current = (await state()).name;
    expect(await backend.call('saveProjectAs', [current])).toHaveProperty('ok');
    const other = ok<ProjectSummary[]>(await backend.call('listProjects', [])).find((p) => p.name !== current)!;
    expect(await backend.call('saveProjectAs', [other.name])).toMatchObject({
      error: expect.stringContaining('exists already'),
    });
    expect(await backend.call('openProject', ['No such project'])).toMatchObject({
      error: expect.stringContaining("There is no project named 'No such project'"),
    });
    expect(await backend.call('saveProjectAs', ['bad\u0001name'])).toHaveProperty('error');
  });
});
