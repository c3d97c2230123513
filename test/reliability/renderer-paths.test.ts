// Paths from the renderer (which the threat model treats as untrusted): an export always writes a
// file ending in .onnx and never replaces anything but a catnet model; an import never reports a
// name from outside the chosen folder (not through a symlinked folder, not through a symlink in it).

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src-core/onnx/model-file.js';
import { Backend } from '../../src-main/backend.js';
import type { FolderImportReport } from '../../src-main/contract.js';
import { producerName } from '../../src-main/services/export-target.js';
import { makeJpeg, writeFiles } from '../helpers/make-images.js';
import { randomModel, randomPixels } from '../helpers/onnx-oracle.js';

let root: string;
let backend: Backend;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'catnet-paths-'));
  backend = await Backend.create({ userData: join(root, 'user-data'), transport: 'electron' });
  await backend.whenReady();
  const model = join(root, 'model.onnx');
  await saveModel(model, randomModel([], 'relu', 1), randomPixels(2), 2);
  expect(await backend.call('openModel', [model])).toHaveProperty('ok');
}, 30_000);
afterAll(async () => {
  await backend.dispose();
  await rm(root, { recursive: true, force: true });
});

const exportTo = (path: string) => backend.call('exportModel', [path]);

describe('exporting to a path the renderer sent', () => {
  it('writes a name ending in .onnx, never the name itself when it does not', async () => {
    const dot = join(root, '.bashrc');
    writeFileSync(dot, 'alias ls=rm\n');
    expect(await exportTo(dot)).toMatchObject({ ok: { path: `${dot}.onnx` } });
    expect(readFileSync(dot, 'utf8')).toBe('alias ls=rm\n');
    expect(producerName(readFileSync(`${dot}.onnx`))).toBe('catnet');
  });

  it('never replaces a file that is not a catnet model', async () => {
    const cases: Record<string, Buffer> = {
      'notes.onnx': Buffer.from('my notes\n'),
      'empty.onnx': Buffer.alloc(0),
      // another tool's ONNX model: ir_version, then producer_name "pytorch"
      'theirs.onnx': Buffer.concat([Buffer.from([0x08, 0x07, 0x12, 0x07]), Buffer.from('pytorch'), Buffer.alloc(64)]),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const file = join(root, name);
      writeFileSync(file, bytes);
      const answer = await exportTo(file);
      expect(answer, name).toHaveProperty('error');
      expect((answer as { error: string }).error).toContain(file);
      expect((answer as { error: string }).error).toContain('not a catnet model');
      expect(readFileSync(file).equals(bytes), name).toBe(true);
    }
  });

  it('never replaces a symlink or a folder', async () => {
    const target = join(root, 'target.txt');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(root, 'link.onnx'));
    mkdirSync(join(root, 'folder.onnx'));
    for (const [name, what] of [
      ['link.onnx', 'a symlink'],
      ['folder.onnx', 'a folder'],
    ]) {
      const answer = await exportTo(join(root, name!));
      expect((answer as { error?: string }).error).toContain(what);
    }
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });

  it('replaces an earlier export (a catnet model)', async () => {
    const file = join(root, 'again.onnx');
    expect(await exportTo(file)).toHaveProperty('ok');
    expect(await exportTo(file)).toHaveProperty('ok');
    expect(await exportTo(join(root, 'model.onnx'))).toHaveProperty('ok');
  });

  it('refuses a path with no file name', async () => {
    const answer = await exportTo(`${root}/`);
    expect((answer as { error?: string }).error).toContain('has no file name');
    expect(existsSync(join(root, '.onnx'))).toBe(false);
  });
});

describe('importing a folder the renderer named', () => {
  it('reports names under the folder as chosen, never where a symlink leads', async () => {
    const secret = join(root, 'private-stuff', 'tax-2026');
    mkdirSync(secret, { recursive: true });
    writeFiles(secret, { 'a.jpg': await makeJpeg(80, 80, 1), 'bad.jpg': Buffer.from('not a jpeg') });
    writeFileSync(join(root, 'private-stuff', 'salary.jpg'), await makeJpeg(80, 80, 2));
    symlinkSync(join(root, 'private-stuff', 'salary.jpg'), join(secret, 'outside.jpg'));
    const chosen = join(root, 'pictures');
    symlinkSync(secret, chosen); // the chosen folder is itself a symlink
    const answer = (await backend.call('addFolder', ['train-positive', chosen])) as { ok: FolderImportReport };
    const report = answer.ok;
    expect(report.accepted).toBe(1);
    const text = JSON.stringify(report);
    expect(text).not.toContain('private-stuff');
    expect(report.skipped.map((s) => s.path).sort()).toEqual([join(chosen, 'bad.jpg'), join(chosen, 'outside.jpg')]);
    const listed = (await backend.call('listImages', ['train-positive', 0, 10])) as {
      ok: { images: { path: string }[] };
    };
    expect(listed.ok.images.map((i) => i.path)).toEqual([join(chosen, 'a.jpg')]);
  });
});
