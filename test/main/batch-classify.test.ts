// Classifying a whole folder in the app against `catnet predict DIR --csv` (onnxruntime on the same
// model file) as the oracle: the same files in the same order, the same labels, probabilities within
// 1e-5, the same header; accuracy against folder names counted by hand; bad files skipped with a
// reason; a stop returns what was classified so far; an uploaded folder is classified and removed.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPredict } from '../../src-core/cli/predict.js';
import { Backend } from '../../src-main/backend.js';
import type { AppEvent, BatchResult } from '../../src-main/contract.js';
import { modelInfo } from '../../src-main/services/model.js';
import { ok, refusingTrainer } from '../helpers/backend.js';
import { makePng, writeFiles } from '../helpers/make-images.js';
import { redVsBlue, tinted } from '../helpers/red-vs-blue.js';

describe('classifying a folder in the app', () => {
  let work: string;
  let backend: Backend;
  const folder = () => join(work, 'photos');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'catnet-batch-'));
    const files: Record<string, Record<string, Buffer | string>> = { red: {}, blue: {}, mixed: {} };
    for (let i = 0; i < 12; i++) files.red![`r${i}.png`] = await tinted([220, 40, 40], i);
    for (let i = 0; i < 10; i++) files.blue![`b${i}.png`] = await tinted([40, 40, 220], 100 + i);
    // Two "red" folder images that are blue: the model is wrong on them by the folder's name.
    files.red!['wrong-1.png'] = await tinted([30, 30, 230], 200);
    files.red!['wrong-2.png'] = await tinted([30, 30, 230], 201);
    for (let i = 0; i < 5; i++) files.mixed![`m${i}.png`] = await makePng(50, 50, 300 + i);
    files.mixed!['notes.txt'] = 'not an image';
    files.mixed!['a, "quoted" name.png'] = await tinted([200, 50, 50], 400);
    for (const [name, content] of Object.entries(files)) writeFiles(join(folder(), name), content);
    backend = await Backend.create({
      userData: join(work, 'user-data'),
      transport: 'browser',
      startTrainer: refusingTrainer,
    });
    const model = redVsBlue();
    await backend.setModel(model, modelInfo(model, 'test'));
    await backend.changed();
  });

  afterAll(async () => {
    await backend?.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it('gives what `catnet predict DIR --csv` gives, with a summary and a reason for each bad file', async () => {
    const progress: AppEvent[] = [];
    const off = backend.events.subscribe((e) => e.type === 'batch-progress' && progress.push(e));
    const result = ok<BatchResult>(await backend.call('classifyFolder', [{ path: folder() }]));
    off();
    expect(result.rows).toHaveLength(30);
    expect(result.skipped).toEqual([
      { path: join(folder(), 'mixed', 'notes.txt'), reason: expect.stringContaining('not an image') },
    ]);
    expect(result.counts[0] + result.counts[1]).toBe(30);
    // Accuracy against folder names: 22 right of 24 (the two blue pictures in "red" are wrong).
    expect(result.accuracy).toEqual({ accuracy: 22 / 24, correct: 22, total: 24 });
    expect(result.rows.filter((r) => r.truth !== undefined && r.truth !== r.label).map((r) => r.file)).toEqual([
      join(folder(), 'red', 'wrong-1.png'),
      join(folder(), 'red', 'wrong-2.png'),
    ]);
    expect(progress.at(-1)).toMatchObject({ done: 31, total: 31 });

    // The oracle: the command line on the same model file (onnxruntime).
    const lines: string[] = [];
    const code = await runPredict(backend.models.lastModelPath, [folder()], 'csv', {
      out: (line: string) => lines.push(line),
      err: () => undefined,
    });
    expect(code).toBe(0);
    const ours = ok<string>(await backend.call('batchCsv', []))
      .trimEnd()
      .split('\n');
    expect(ours[0]).toBe(lines[0]);
    expect(ours).toHaveLength(lines.length);
    const fields = (line: string) => {
      const m = line.match(/^("(?:[^"]|"")*"|[^,]*),([^,]+),([01]),(.*)$/)!;
      return { file: m[1], p: Number(m[2]), label: m[3], cls: m[4] };
    };
    for (let i = 1; i < lines.length; i++) {
      const a = fields(ours[i]!);
      const b = fields(lines[i]!);
      expect(a.file).toBe(b.file);
      expect(a.label).toBe(b.label);
      expect(a.cls).toBe(b.cls);
      expect(Math.abs(a.p - b.p)).toBeLessThan(1e-5);
    }
    expect(ours.some((l) => l.startsWith('"') && l.includes('""quoted""'))).toBe(true);

    const thumbs = ok<Record<number, string>>(await backend.call('batchThumbnails', [[0, 29, 30]]));
    expect(Object.keys(thumbs).sort()).toEqual(['0', '29']);
    expect(thumbs[0]).toMatch(/^data:image\/png;base64,/);
  });

  it('stops on request with the rows so far, and classifies an uploaded folder, then removes it', async () => {
    const big = join(work, 'many');
    const many: Record<string, Buffer> = {};
    const one = await tinted([200, 30, 30], 1);
    for (let i = 0; i < 600; i++) many[`${String(i).padStart(3, '0')}.png`] = one;
    writeFiles(big, many);
    const running = backend.call('classifyFolder', [{ path: big }]);
    await new Promise<void>((resolve) => {
      const off = backend.events.subscribe((e) => {
        if (e.type === 'batch-progress') {
          off();
          resolve();
        }
      });
    });
    expect(ok<{ stopping: boolean }>(await backend.call('stopClassifyFolder', []))).toEqual({ stopping: true });
    const stopped = ok<BatchResult>(await running);
    expect(stopped.cancelled).toBe(true);
    expect(stopped.rows.length).toBeGreaterThan(0);
    expect(stopped.rows.length).toBeLessThan(600);

    const bytes = await readFile(join(folder(), 'blue', 'b0.png'));
    const started = ok<{ id: string }>(
      await backend.call('beginUpload', ['blue', [{ path: 'x/b0.png', size: bytes.length }]]),
    );
    ok(await backend.call('uploadFile', [started.id, 'x/b0.png', bytes]));
    const result = ok<BatchResult>(await backend.call('classifyFolder', [{ uploadId: started.id }]));
    expect(result.source).toBe('blue');
    expect(result.rows.map((r) => [r.file, r.className])).toEqual([['blue/x/b0.png', 'blue']]);
    expect(await readdir(join(work, 'user-data', 'uploads'))).toEqual(['.staging']);
  });
});
