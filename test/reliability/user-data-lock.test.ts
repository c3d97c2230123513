// One user-data folder, one writer: a running catnet holds userData/catnet.lock (pid, mode, host,
// start time); a second instance says who holds it and does not start (no write to project.json); a
// lock whose process is gone is taken over. And the saved model description always comes from the
// model file: a crash between saving last-model.onnx and project.json cannot leave them disagreeing.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderLocked, LOCK_FILE } from '../../src-core/fsio/folder-lock.js';
import { saveModel } from '../../src-core/onnx/model-file.js';
import { Backend } from '../../src-main/backend.js';
import { LAST_MODEL_FILE } from '../../src-main/services/model.js';
import { emptyProject, PROJECT_FILE } from '../../src-main/services/project.js';
import { randomModel, randomPixels } from '../helpers/onnx-oracle.js';
import { startWebServer } from '../helpers/web-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'catnet-lock-'));
  dirs.push(dir);
  return dir;
}

/** A process that runs until killed (a stand-in for another catnet). */
function liveProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const lockText = (pid: number, mode: string) =>
  JSON.stringify({ pid, mode, host: hostname(), startedAt: '2026-12-05T10:00:00.000Z' });

describe('the user-data lock', () => {
  it('a folder held by another running instance: refused, naming its pid and mode, project untouched', async () => {
    const userData = await tempDir();
    const saved = `${JSON.stringify({ ...emptyProject(), classNames: ['a', 'b'] }, null, 2)}\n`;
    await writeFile(join(userData, PROJECT_FILE), saved);
    const other = liveProcess();
    await writeFile(join(userData, LOCK_FILE), lockText(other.pid!, 'browser'));
    const refused = await Backend.create({ userData, transport: 'electron' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(FolderLocked);
    const message = (refused as Error).message;
    expect(message).toContain(`process ${other.pid}`);
    expect(message).toContain('browser mode');
    expect(message).toContain(join(userData, LOCK_FILE));
    expect(await readFile(join(userData, PROJECT_FILE), 'utf8')).toBe(saved);
    expect(JSON.parse(await readFile(join(userData, LOCK_FILE), 'utf8')).pid).toBe(other.pid);
  });

  it('a stale lock (its process is gone) or a half-written one is taken over, and released on dispose', async () => {
    for (const text of [lockText(await deadPid(), 'browser'), '{"pid": 12', '']) {
      const userData = await tempDir();
      await writeFile(join(userData, LOCK_FILE), text);
      const backend = await Backend.create({ userData, transport: 'browser' });
      const owner = JSON.parse(await readFile(join(userData, LOCK_FILE), 'utf8'));
      expect(owner).toMatchObject({ pid: process.pid, mode: 'browser', host: hostname() });
      await backend.whenReady();
      await backend.dispose();
      expect(existsSync(join(userData, LOCK_FILE))).toBe(false);
    }
  });

  it.skipIf(!existsSync(join(ROOT, 'dist/main/web.mjs')))(
    'a second browser-mode server on the same folder exits with a message naming the first',
    async () => {
      const userData = await tempDir();
      const first = await startWebServer({ userData });
      try {
        const second = spawn(process.execPath, [join(ROOT, 'dist/main/web.mjs')], {
          env: { ...process.env, CATNET_USER_DATA: userData, CATNET_PORT: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        second.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        second.stderr!.on('data', (c: Buffer) => (err += c.toString()));
        const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
        expect(code).toBe(1);
        expect(out).toBe(''); // never served
        expect(err).toContain(`process ${first.child.pid}`);
        expect(err).toContain('browser mode');
      } finally {
        expect(await first.stop()).toBe(0);
      }
      expect(existsSync(join(userData, LOCK_FILE))).toBe(false); // released on a clean stop
    },
    30_000,
  );
});

describe('the model description after a crash between the model and the project', () => {
  it('comes from last-model.onnx, not from the older project.json', async () => {
    const userData = await tempDir();
    const pixels = randomPixels(2);
    const first = join(userData, 'first.onnx');
    await saveModel(first, randomModel([], 'relu', 1), pixels, 2);
    const backend = await Backend.create({ userData, transport: 'browser' });
    await backend.whenReady();
    expect(await backend.call('openModel', [first])).toMatchObject({ ok: { layerDims: [12288, 1] } });
    await backend.dispose();
    // setModel wrote the next model, then the app died before project.json was saved.
    const before = await stat(join(userData, PROJECT_FILE));
    await saveModel(join(userData, LAST_MODEL_FILE), randomModel([3], 'tanh', 2), pixels, 2);
    expect((await stat(join(userData, PROJECT_FILE))).mtimeMs).toBe(before.mtimeMs);
    const restarted = await Backend.create({ userData, transport: 'browser' });
    await restarted.whenReady();
    const project = ((await restarted.call('getProject', [])) as { ok: unknown }).ok as {
      model: { layerDims: number[]; activation: string };
    };
    expect(project.model.layerDims).toEqual([12288, 3, 1]);
    expect(project.model.activation).toBe('tanh');
    await restarted.dispose();
  }, 30_000);
});
