// Faults: saving to a read-only folder and to a full disk (a 64 KiB tmpfs). Every save must fail with
// a message naming the file, leave the previous file byte for byte, leave no temporary file, and in
// the app keep the previous model current. Needs mount (root); skips with the reason otherwise.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFile, saveModel } from '../../src-core/onnx/model-file.js';
import { Backend } from '../../src-main/backend.js';
import { LAST_MODEL_FILE } from '../../src-main/services/model.js';
import { emptyProject, PROJECT_FILE, ProjectStore } from '../../src-main/services/project.js';
import { randomModel, randomPixels } from '../helpers/onnx-oracle.js';

const root = mkdtempSync(join(tmpdir(), 'catnet-disk-'));
const mounted: string[] = [];

/** Mounts a tmpfs of `size` at a new folder under root; null (with the reason printed) when mount fails. */
function tmpfs(name: string, size: string): string | null {
  const dir = join(root, name);
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', dir], { stdio: 'pipe' });
    mounted.push(dir);
    return dir;
  } catch (error) {
    console.warn(
      `disk fault tests skipped: cannot mount a tmpfs (${(error as Error).message.split('\n')[0]}); run as root`,
    );
    return null;
  }
}

const remountReadOnly = (dir: string) => execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
const tmpFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

const small = randomModel([], 'relu', 1); // [12288, 1]: ~49 KB as .onnx
const large = randomModel([3], 'relu', 2); // [12288, 3, 1]: ~148 KB, more than the disk
const pixels = randomPixels(2);

const canMount = (() => {
  const probe = tmpfs('probe', '16k');
  return probe !== null;
})();

afterAll(() => {
  for (const dir of mounted.reverse()) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    }
  }
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!canMount)('saving to a read-only folder and to a full disk', () => {
  it('a read-only folder: clear error, the previous model and project untouched, no temporary file', async () => {
    const dir = tmpfs('readonly', '1m')!;
    const modelPath = join(dir, 'model.onnx');
    await saveModel(modelPath, small, pixels, 2);
    const store = new ProjectStore(dir);
    await store.save(emptyProject());
    const before = { model: readFileSync(modelPath), project: readFileSync(store.file) };
    remountReadOnly(dir);

    await expect(saveModel(modelPath, large, pixels, 2)).rejects.toThrow(
      new RegExp(`Could not write ${modelPath}: .*(EROFS|read-only).*writable`),
    );
    await expect(store.save({ ...emptyProject(), classNames: ['a', 'b'] })).rejects.toThrow(
      /Could not write .*project\.json/,
    );
    expect(readFileSync(modelPath).equals(before.model)).toBe(true);
    expect(readFileSync(store.file).equals(before.project)).toBe(true);
    expect(tmpFiles(dir)).toEqual([]);
  });

  it('a full disk (64 KiB tmpfs): clear error, the previous file byte for byte, no temporary file', async () => {
    const dir = tmpfs('full', '64k')!;
    const modelPath = join(dir, 'model.onnx');
    await saveModel(modelPath, small, pixels, 2);
    const before = readFileSync(modelPath);
    await expect(saveModel(modelPath, large, pixels, 2)).rejects.toThrow(
      new RegExp(`Could not write ${modelPath}: .*ENOSPC`),
    );
    expect(readFileSync(modelPath).equals(before)).toBe(true);
    expect(tmpFiles(dir)).toEqual([]);
  });

  it('the app on a full disk: opening a larger model fails, the previous model stays current and exportable', async () => {
    const userData = tmpfs('userdata', '64k')!;
    const elsewhere = mkdtempSync(join(root, 'models-'));
    const smallFile = join(elsewhere, 'small.onnx');
    const largeFile = join(elsewhere, 'large.onnx');
    await saveModel(smallFile, small, pixels, 2);
    await saveModel(largeFile, large, pixels, 2);
    const backend = await Backend.create({ userData, transport: 'browser' });
    try {
      expect(await backend.call('openModel', [smallFile])).toMatchObject({ ok: { layerDims: [12288, 1] } });
      const saved = readFileSync(join(userData, LAST_MODEL_FILE));
      const r = await backend.call('openModel', [largeFile]);
      expect(r).toMatchObject({ error: expect.stringMatching(/Could not write .*last-model\.onnx: .*ENOSPC/) });
      expect(await backend.call('getProject', [])).toMatchObject({ ok: { model: { layerDims: [12288, 1] } } });
      expect(readFileSync(join(userData, LAST_MODEL_FILE)).equals(saved)).toBe(true);
      expect(tmpFiles(userData)).toEqual([]);
      // What is current is the model on disk: exporting it gives the small network.
      const out = join(elsewhere, 'export.onnx');
      expect(await backend.call('exportModel', [out])).toMatchObject({ ok: { path: out } });
      expect((await loadModelFile(out)).config.layerDims).toEqual([12288, 1]);
      const project = readFileSync(join(userData, PROJECT_FILE), 'utf8');
      expect(JSON.parse(project).model.layerDims).toEqual([12288, 1]);
    } finally {
      await backend.dispose();
    }
  });
});
