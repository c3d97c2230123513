// `catnet train` and `catnet evaluate` end to end: spawn bin/catnet.mjs (dist/ is built by the test
// global setup) on the course data, parse the --json output, and compare with the course's figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COURSE_DATA_DIR, courseDataMissing } from '../../helpers/course-data.js';

const bin = fileURLToPath(new URL('../../../bin/catnet.mjs', import.meta.url));
const missing = courseDataMissing('skipping catnet train on the course data');
const D = COURSE_DATA_DIR;
const dir = mkdtempSync(join(tmpdir(), 'catnet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function catnet(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const folders = [
  ['--positive', `${D}/train/cat`, '--negative', `${D}/train/non-cat`],
  ['--test-positive', `${D}/test/cat`, '--test-negative', `${D}/test/non-cat`],
].flat();

describe('catnet train (command line)', () => {
  it('rejects bad arguments with a message that names the option', () => {
    const r = catnet('train', '--positive', 'a', '--negative', 'b', '--learning-rate', '-1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--learning-rate must be a number > 0, got "-1"/);
    const s = catnet('train', '--positive', 'a', '--negative', 'b', '--layers', '20,x');
    expect(s.stderr).toMatch(/"x" \(item 2 of "20,x"\) is not a whole number/);
    const t = catnet('train', '--positive', 'a', '--negative', 'b', '--out', join(dir, 'model.txt'));
    expect(t.stderr).toMatch(/--out must name a .onnx file/);
    expect(t.code).toBe(1);
  });

  it('reports a folder with no images instead of crashing', () => {
    const r = catnet('train', '--positive', join(dir, 'nope-a'), '--negative', join(dir, 'nope-b'), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/catnet train: /);
    expect(r.stdout).toBe('');
  });

  it.skipIf(missing !== null)(
    'logistic regression as in the course: train 99.0%, test 70.0%; the saved .onnx evaluates the same',
    () => {
      const out = join(dir, 'logistic.onnx');
      const r = catnet(
        'train',
        ...folders,
        ...[
          '--layers',
          '',
          '--init',
          'zeros',
          '--learning-rate',
          '0.005',
          '--iterations',
          '2000',
          '--out',
          out,
          '--json',
        ],
      );
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.train_accuracy).toBeCloseTo(207 / 209, 6);
      expect(result.test_accuracy).toBeCloseTo(0.7, 6);
      expect(result.iterations).toBe(2000);
      expect(result.final_cost).toBeGreaterThan(0.13);
      expect(result.final_cost).toBeLessThan(0.141);
      expect(result.layers).toEqual([12288, 1]);
      expect(typeof result.backend).toBe('string');
      expect(existsSync(out)).toBe(true);

      const e = catnet('evaluate', out, '--positive', `${D}/test/cat`, '--negative', `${D}/test/non-cat`, '--json');
      expect(e.code, e.stderr).toBe(0);
      const m = JSON.parse(e.stdout);
      expect(m.accuracy).toBeCloseTo(0.7, 6);
      expect(m.tp + m.fp + m.tn + m.fn).toBe(50);
      expect(m.tp + m.fn).toBe(33);
      const text = catnet('evaluate', out, '--positive', `${D}/test/cat`, '--negative', `${D}/test/non-cat`);
      expect(text.stdout).toMatch(/accuracy\s+70\.0%/);
      expect(text.stdout).toMatch(/actual non-cat/);
    },
    300_000,
  );
});
