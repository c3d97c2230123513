// Folders uploaded from a browser: announced, sent file by file, imported with the same loader and
// report as the same folder on disk (the oracle), kept under the user data across a restart, and
// refused with a message for hostile names, wrong sizes and every cap. Then the same over browser
// mode's HTTP route (raw body, arguments in X-Catnet-Args, token and Origin checks).

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src-main/backend.js';
import type { ApiResponse, FolderImportReport, ProjectState } from '../../src-main/contract.js';
import { startWebServer, type WebServer } from '../../src-main/web-server.js';
import { ok, refusingTrainer } from '../helpers/backend.js';
import { makeJpeg, makePng, writeFiles } from '../helpers/make-images.js';
import { raw } from '../helpers/raw-http.js';

/** Every regular file under `dir` as relative path ('/'-separated) -> bytes. */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(relative(dir, path).split(sep).join('/'), await readFile(path));
  }
  return out;
}

async function upload(backend: Backend, name: string, files: Map<string, Buffer>): Promise<string> {
  const started = ok<{ id: string; send: string[] }>(
    await backend.call('beginUpload', [name, [...files].map(([path, b]) => ({ path, size: b.length }))]),
  );
  for (const path of started.send) ok(await backend.call('uploadFile', [started.id, path, files.get(path)]));
  return started.id;
}

const limits = { fileBytes: 200_000, uploadBytes: 400_000, totalBytes: 600_000, files: 1000 };

describe('uploaded folders', () => {
  let work: string;
  let userData: string;
  let backend: Backend;
  let files: Map<string, Buffer>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'catnet-upload-'));
    userData = join(work, 'user-data');
    const cats = join(work, 'cats');
    writeFiles(cats, { 'a.png': await makePng(70, 50, 1), 'b.jpg': await makeJpeg(64, 64, 2) });
    writeFiles(join(cats, 'kittens'), { 'c.png': await makePng(40, 90, 3), 'notes.txt': 'not an image' });
    writeFiles(join(cats, 'kittens', 'deep'), { 'd.jpg': await makeJpeg(120, 80, 4), 'broken.jpg': 'JFIF?' });
    files = await filesOf(cats);
    backend = await Backend.create({
      userData,
      transport: 'browser',
      startTrainer: refusingTrainer,
      uploadLimits: limits,
    });
  });

  afterAll(async () => {
    await backend?.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it('imports like the same folder on disk, with relative paths, and survives a restart', async () => {
    const onDisk = ok<FolderImportReport>(await backend.call('addFolder', ['train-negative', join(work, 'cats')]));
    const id = await upload(backend, 'cats', files);
    const report = ok<FolderImportReport>(await backend.call('addUploadedFolder', ['train-positive', id]));
    expect(report.accepted).toBe(onDisk.accepted);
    expect(report.accepted).toBe(4);
    expect(report.folderLabel).toBe('cats');
    expect(report.folder.startsWith(join(userData, 'uploads'))).toBe(true);
    // Same files skipped for the same reasons; paths relative to the uploaded folder.
    const reasons = (r: FolderImportReport) => r.skipped.map((s) => s.reason).sort();
    expect(reasons(report)).toEqual(reasons(onDisk));
    expect(report.skipped.map((s) => s.path).sort()).toEqual([
      'cats/kittens/deep/broken.jpg',
      'cats/kittens/notes.txt',
    ]);
    const page = ok<{ images: { path: string }[] }>(await backend.call('listImages', ['train-positive', 0, 100]));
    expect(page.images.map((i) => i.path).sort()).toEqual([
      'cats/a.png',
      'cats/b.jpg',
      'cats/kittens/c.png',
      'cats/kittens/deep/d.jpg',
    ]);
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.folders.find((f) => f.role === 'train-positive')?.label).toBe('cats');
    // Same pixels as the folder on disk: every uploaded image is "in both classes" with its original.
    expect(project.warnings.join(' ')).toContain('4 image(s) are in both classes');

    // A restart reads the project back with the uploaded folder whole.
    await backend.dispose();
    backend = await Backend.create({
      userData,
      transport: 'browser',
      startTrainer: refusingTrainer,
      uploadLimits: limits,
    });
    const again = ok<ProjectState>(await backend.call('getProject', []));
    expect(again.counts['train-positive']).toBe(4);
    expect(again.notice).toBeUndefined();
  });

  it('refuses hostile names, unannounced files and wrong sizes', async () => {
    for (const bad of ['../x.png', 'a/../b.png', '/etc/passwd', 'a\\b.png', 'a//b.png', '.', 'a/\0.png']) {
      const r = await backend.call('beginUpload', ['cats', [{ path: bad, size: 1 }]]);
      expect(r, bad).toHaveProperty('error');
    }
    for (const bad of ['..', 'a/b', ''])
      expect(await backend.call('beginUpload', [bad, [{ path: 'x', size: 1 }]])).toHaveProperty('error');
    const started = ok<{ id: string }>(await backend.call('beginUpload', ['x', [{ path: 'a.png', size: 3 }]]));
    expect(await backend.call('uploadFile', [started.id, 'b.png', new Uint8Array(3)])).toMatchObject({
      error: expect.stringContaining('not announced'),
    });
    expect(await backend.call('uploadFile', [started.id, 'a.png', new Uint8Array(4)])).toMatchObject({
      error: expect.stringContaining('announced as 3 bytes'),
    });
    expect(ok<{ cancelled: boolean }>(await backend.call('cancelUpload', [started.id])).cancelled).toBe(true);
    expect(await readdir(join(userData, 'uploads', '.staging'))).toEqual([]);
    expect(await backend.call('addUploadedFolder', ['train-positive', started.id])).toHaveProperty('error');
  });

  it('caps each file, each upload and all uploads together, saying which cap', async () => {
    // Over the per-file cap: not sent, reported as skipped with the limit.
    const big = new Map([
      ['small.png', await makePng(30, 30, 9)],
      ['huge.png', Buffer.alloc(250_000)],
    ]);
    const started = ok<{ id: string; send: string[] }>(
      await backend.call('beginUpload', ['mixed', [...big].map(([path, b]) => ({ path, size: b.length }))]),
    );
    expect(started.send).toEqual(['small.png']);
    ok(await backend.call('uploadFile', [started.id, 'small.png', big.get('small.png')]));
    const report = ok<FolderImportReport>(await backend.call('addUploadedFolder', ['test-positive', started.id]));
    expect(report.accepted).toBe(1);
    expect(report.skipped).toContainEqual({
      path: 'mixed/huge.png',
      reason: 'not-uploaded',
      message: expect.stringMatching(/too large to upload.*limit is 0\.2 MB per file/),
    });
    // Over the per-upload cap.
    const many = Array.from({ length: 3 }, (_, i) => ({ path: `${i}.png`, size: 150_000 }));
    expect(await backend.call('beginUpload', ['many', many])).toMatchObject({
      error: expect.stringMatching(/one upload takes at most 0\.4 MB/),
    });
    // Over the total cap: what is stored counts (the uploads above, and this filler).
    const filler = new Map([
      ['f1.bin', Buffer.alloc(190_000)],
      ['f2.bin', Buffer.alloc(190_000)],
    ]);
    ok(await backend.call('addUploadedFolder', ['test-negative', await upload(backend, 'filler', filler)]));
    const more = [
      { path: 'a.png', size: 190_000 },
      { path: 'b.png', size: 190_000 },
    ];
    expect(await backend.call('beginUpload', ['more', more])).toMatchObject({
      error: expect.stringMatching(/would take the uploaded folders over 0\.6 MB/),
    });
  });
});

describe('cancelling an import', () => {
  let work: string;
  let backend: Backend;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'catnet-import-cancel-'));
    backend = await Backend.create({ userData: work, transport: 'browser', startTrainer: refusingTrainer });
  });

  afterAll(async () => {
    await backend?.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it('stops an uploaded folder mid-import: nothing is added and its files are removed', async () => {
    const files = new Map<string, Buffer>();
    const png = await makePng(64, 64, 1);
    for (let i = 0; i < 1500; i++) files.set(`sub${i % 7}/${i}.png`, png);
    const id = await upload(backend, 'many', files);
    const importing = backend.call('addUploadedFolder', ['train-positive', id]);
    await new Promise<void>((resolve) => {
      const off = backend.events.subscribe((e) => {
        if (e.type === 'import-progress') {
          off();
          resolve();
        }
      });
    });
    expect(ok<{ cancelling: boolean }>(await backend.call('cancelImport', ['train-positive']))).toEqual({
      cancelling: true,
    });
    expect(ok(await importing)).toBeNull();
    const project = ok<ProjectState>(await backend.call('getProject', []));
    expect(project.counts['train-positive']).toBe(0);
    expect(project.folders).toEqual([]);
    expect((await readdir(join(work, 'uploads'))).sort()).toEqual(['.staging']);
    expect(ok<{ cancelling: boolean }>(await backend.call('cancelImport', ['train-positive']))).toEqual({
      cancelling: false,
    });
  });
});

describe('uploads over browser mode HTTP', () => {
  let work: string;
  let backend: Backend;
  let server: WebServer;
  const token = 'b'.repeat(64);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'catnet-upload-http-'));
    backend = await Backend.create({ userData: work, transport: 'browser', startTrainer: refusingTrainer });
    server = await startWebServer({ backend, rendererDir: work, port: 0, token });
  });

  afterAll(async () => {
    await server?.close();
    await backend?.dispose();
    await rm(work, { recursive: true, force: true });
  });

  const send = (args: unknown[], body: Buffer, headers: Record<string, string> = {}) =>
    raw(server.port, '/api/uploadFile', {
      method: 'POST',
      headers: {
        Host: `127.0.0.1:${server.port}`,
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/octet-stream',
        'X-Catnet-Args': encodeURIComponent(JSON.stringify(args)),
        ...headers,
      },
      body,
    });

  it('takes the raw bytes with the arguments in a header, behind the token and Origin checks', async () => {
    const png = await makePng(48, 48, 5);
    const started = ok<{ id: string }>(
      await backend.call('beginUpload', ['web', [{ path: 'sub/p.png', size: png.length }]]),
    );
    expect((await send([started.id, 'sub/p.png'], png, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await send([started.id, 'sub/p.png'], png, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await send([started.id, 'sub/p.png'], png, { 'X-Catnet-Args': '%E0%A4%A' })).status).toBe(400);
    const good = await send([started.id, 'sub/p.png'], png);
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body) as ApiResponse).toEqual({ ok: { received: 1 } });
    const report = ok<FolderImportReport>(await backend.call('addUploadedFolder', ['train-positive', started.id]));
    expect(report.accepted).toBe(1);
    // A body over the per-file cap is refused before it is read whole.
    const over = await send([started.id, 'x.png'], Buffer.alloc(10), {
      'Content-Length': String(backend.uploads.limits.fileBytes + 1),
    }).catch((e: Error) => ({ status: 413, body: e.message }));
    expect(over.status).toBe(413);
  });
});
