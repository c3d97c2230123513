import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInspect } from '../../../src-core/cli/inspect.js';
import { runPredict } from '../../../src-core/cli/predict.js';
import { loadImageFile } from '../../../src-core/data/images.js';
import { N_X } from '../../../src-core/nn/model.js';
import { predictProbabilities } from '../../../src-core/nn/predict.js';
import { saveModel } from '../../../src-core/onnx/model-file.js';
import { courseDataMissing, coursePath } from '../../helpers/course-data.js';
import { randomModel, randomPixels } from '../../helpers/onnx-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'catnet-predict-'));
const modelFile = join(dir, 'm.onnx');
const model = randomModel([20, 7, 5], 'relu', 8, 4);
model.classNames = ['cat', 'non-cat'];

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

beforeAll(async () => {
  await saveModel(modelFile, model, randomPixels(4), 4);
  const images = join(dir, 'images');
  for (const [cls, shade] of [
    ['cat', 40],
    ['non-cat', 200],
  ] as const) {
    mkdirSync(join(images, cls), { recursive: true });
    for (let i = 0; i < 3; i++) {
      const png = await sharp({
        create: { width: 80, height: 50, channels: 3, background: { r: shade, g: i * 60, b: 255 - shade } },
      })
        .png()
        .toBuffer();
      writeFileSync(join(images, cls, `${i}.png`), png);
    }
  }
  writeFileSync(join(images, 'cat', 'notes.png'), 'not really a png');
  writeFileSync(join(images, 'non-cat', 'empty.jpg'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the engine says for the same files, loaded with the model's resize mode. */
async function engineFor(files: string[]): Promise<Float32Array> {
  const X = new Uint8Array(files.length * N_X);
  for (const [i, f] of files.entries()) X.set(await loadImageFile(f, { resize: model.resize }), i * N_X);
  return predictProbabilities(model, X, files.length);
}

describe('catnet predict', () => {
  it('classifies a folder, skips bad files with reasons, and agrees with the engine (--json)', async () => {
    const c = capture();
    const code = await runPredict(modelFile, [join(dir, 'images')], 'json', c.io);
    expect(code).toBe(0);
    const doc = JSON.parse(c.out.join('\n'));
    expect(doc.results).toHaveLength(6);
    expect(
      doc.skipped.map((s: { file: string; reason: string }) => [s.file.split('/').pop(), s.reason]).sort(),
    ).toEqual([
      ['empty.jpg', 'empty'],
      ['notes.png', 'not-an-image'],
    ]);
    const engine = await engineFor(doc.results.map((r: { file: string }) => r.file));
    for (const [i, r] of doc.results.entries()) {
      expect(Math.abs(r.probability - engine[i])).toBeLessThan(1e-5);
      expect(r.label).toBe(engine[i] >= 0.5 ? 1 : 0);
      expect(r.className).toBe(r.label ? 'cat' : 'non-cat');
    }
    const correct = doc.results.filter(
      (r: { file: string; label: number }) => r.file.includes('/non-cat/') !== (r.label === 1),
    ).length;
    expect(doc.accuracy).toEqual({ accuracy: correct / 6, correct, total: 6 });
  });

  it('prints CSV and text, with skipped files on stderr', async () => {
    const csv = capture();
    expect(await runPredict(modelFile, [join(dir, 'images', 'cat')], 'csv', csv.io)).toBe(0);
    expect(csv.out[0]).toBe('file,probability,label,class');
    expect(csv.out).toHaveLength(4);
    expect(csv.out[1]).toMatch(/^.*0\.png,0\.\d+,[01],(cat|non-cat)$/);
    expect(csv.err.join('\n')).toMatch(/skipped .*notes\.png: not an image/);
    const text = capture();
    expect(await runPredict(modelFile, [join(dir, 'images', 'cat', '1.png')], 'text', text.io)).toBe(0);
    expect(text.out).toHaveLength(1);
    expect(text.err.join('\n')).toMatch(/1 image\(s\) classified.*0 skipped/);
  });

  it('fails with a message for a bad model, and when no image could be read', async () => {
    const bad = capture();
    expect(await runPredict(join(dir, 'images', 'cat', '0.png'), [dir], 'text', bad.io)).toBe(1);
    expect(bad.err.join('\n')).toMatch(/catnet predict: .*0\.png/);
    const none = capture();
    expect(await runPredict(modelFile, [join(dir, 'missing.png')], 'text', none.io)).toBe(1);
    expect(none.err.join('\n')).toMatch(/skipped .*missing\.png/);
  });
});

describe('catnet inspect', () => {
  it('prints the network, classes and preprocessing', async () => {
    const c = capture();
    expect(await runInspect(modelFile, false, c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/network\s+\[12288, 20, 7, 5, 1\]/);
    expect(text).toMatch(/label 1 = "cat", label 0 = "non-cat"/);
    expect(text).toMatch(/resize\s+cover/);
    const j = capture();
    expect(await runInspect(modelFile, true, j.io)).toBe(0);
    expect(JSON.parse(j.out.join('\n')).network.parameters).toBe(12288 * 20 + 20 + 20 * 7 + 7 + 7 * 5 + 5 + 5 + 1);
  });

  it('explains why a file is not a model', async () => {
    const c = capture();
    expect(await runInspect(join(dir, 'images', 'cat', 'notes.png'), false, c.io)).toBe(1);
    expect(c.err[0]).toMatch(/catnet inspect: .*notes\.png/);
  });
});

describe('through bin/catnet.mjs (the built CLI)', () => {
  const bin = join(import.meta.dirname, '../../../bin/catnet.mjs');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

  it('predict --json and inspect --json exit 0 with parseable output', () => {
    const p = run('predict', modelFile, join(dir, 'images', 'non-cat'), '--json');
    expect(p.status).toBe(0);
    expect(JSON.parse(p.stdout).results).toHaveLength(3);
    const i = run('inspect', modelFile, '--json');
    expect(i.status).toBe(0);
    expect(JSON.parse(i.stdout).classNames).toEqual(['cat', 'non-cat']);
  });

  it('exits 1 with a message on stderr for a file that is not a model, and refuses --json with --csv', () => {
    const bad = run('predict', join(dir, 'images', 'cat', 'notes.png'), dir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/catnet predict: .*notes\.png/);
    const both = run('predict', modelFile, dir, '--json', '--csv');
    expect(both.status).not.toBe(0);
    expect(both.stderr).toMatch(/choose one of --json and --csv/);
  });
});

const testDir = coursePath('test');
const haveCourse = courseDataMissing('skipping the course test-set predict check') === null;

describe('on the course test set', () => {
  it.skipIf(!haveCourse)("gives the engine's accuracy on the course test folder", async () => {
    const c = capture();
    expect(await runPredict(modelFile, [testDir], 'json', c.io)).toBe(0);
    const doc = JSON.parse(c.out.join('\n'));
    expect(doc.results).toHaveLength(50);
    const files: string[] = doc.results.map((r: { file: string }) => r.file);
    const engine = await engineFor(files);
    const truth = files.map((f) => (f.includes('/non-cat/') ? 0 : 1));
    const engineCorrect = truth.filter((y, i) => (engine[i] >= 0.5 ? 1 : 0) === y).length;
    expect(doc.accuracy.total).toBe(50);
    expect(doc.accuracy.correct).toBe(engineCorrect);
  });
});
