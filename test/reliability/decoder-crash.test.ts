// Decoding out of the app's process: the app's imports decode in a child process (decode-process.ts),
// so a native decoder crash skips one file instead of closing the app. The crash is made by the
// child's test hook (CATNET_TEST_DECODER_CRASH: a path containing it makes the child kill itself
// with SIGSEGV, as a crashing decoder would); the vectors must equal an in-process import's.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeProcess, decodeProcess } from '../../src-core/data/decode-process.js';
import { importFolders } from '../../src-core/data/import.js';
import { Backend } from '../../src-main/backend.js';
import type { FolderImportReport } from '../../src-main/contract.js';
import { makeJpeg, makePng } from '../helpers/make-images.js';

const MARKER = 'crash-the-decoder';
const built = DecodeProcess.available();
if (!built)
  console.warn('decoder crash tests skipped: dist/core/decode-child.mjs is not built (node scripts/build.mjs)');

let root: string;
let folder: string;
beforeAll(async () => {
  process.env.CATNET_TEST_DECODER_CRASH = MARKER; // read by each decode child at its start
  root = mkdtempSync(join(tmpdir(), 'catnet-decoder-crash-'));
  folder = join(root, 'photos');
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) files[`p-${String(i).padStart(2, '0')}.jpg`] = await makeJpeg(200, 150, i);
  files['q.png'] = await makePng(90, 90, 3);
  files[`${MARKER}.jpg`] = await makeJpeg(120, 100, 99);
  files['not-an-image.jpg'] = Buffer.from('hello');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
});
afterAll(() => {
  delete process.env.CATNET_TEST_DECODER_CRASH;
  decodeProcess().stop();
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!built)('a decoder crash during an import', () => {
  it('skips the file it crashed on as corrupt, restarts the decoder, and imports the rest as in-process', async () => {
    const decoder = decodeProcess();
    const startsBefore = decoder.starts;
    const isolated = await importFolders({ folders: [{ path: folder, label: 1 }], isolate: true });
    expect(decoder.starts - startsBefore).toBeGreaterThanOrEqual(2); // crashed at least once, restarted
    const crashed = isolated.report.skipped.find((s) => s.path.includes(MARKER));
    expect(crashed).toMatchObject({ reason: 'corrupt' });
    expect(crashed?.message).toMatch(/the image decoder crashed on it \(SIGSEGV\)/);
    expect(isolated.report.skipped.find((s) => s.path.includes('not-an-image'))).toMatchObject({
      reason: 'not-an-image',
    });
    expect(isolated.report.skipped).toHaveLength(2);
    expect(isolated.report.accepted).toBe(41);
    // the oracle: the same folder decoded in this process (the hook exists only in the child)
    const inProcess = await importFolders({ folders: [{ path: folder, label: 1 }] });
    expect(inProcess.report.accepted).toBe(42);
    const keep = inProcess.dataset.paths.map((p, i) => [p, i] as const).filter(([p]) => !p.includes(MARKER));
    expect(isolated.dataset.paths).toEqual(keep.map(([p]) => p));
    for (const [j, [, i]] of keep.entries())
      expect(Buffer.from(isolated.dataset.vector(j)).equals(Buffer.from(inProcess.dataset.vector(i)))).toBe(true);
  }, 60_000);

  it('the app keeps serving: the folder is imported with the crash reported, then the next call answers', async () => {
    const backend = await Backend.create({ userData: join(root, 'user-data'), transport: 'browser' });
    await backend.whenReady();
    const answer = (await backend.call('addFolder', ['train-positive', folder])) as { ok: FolderImportReport };
    expect(answer.ok.accepted).toBe(41);
    const crashed = answer.ok.skipped.find((s) => s.path.includes(MARKER));
    expect(crashed?.reason).toBe('corrupt');
    expect(crashed?.message).toMatch(/decoder crashed/);
    expect(await backend.call('getProject', [])).toHaveProperty('ok');
    await backend.dispose();
  }, 60_000);
});
