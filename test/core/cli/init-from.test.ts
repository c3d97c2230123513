import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../../src-core/onnx/model-file.js';
import { trainFolders } from '../../helpers/cli-train.js';

const { dir, catnet } = trainFolders('catnet-init-from-', 80, 120_000);

function json(r: { code: number | null; stdout: string; stderr: string }) {
  expect(r.stderr, r.stderr).not.toMatch(/catnet train: /);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const first = ['--layers', '3', '--activation', 'tanh', '--names', 'dog,cat', '--resize', 'fill'];
const common = ['--learning-rate', '0.01', '--json'];

describe('catnet train --init-from', () => {
  it('continues a saved model: 20 + 20 iterations end where one 40-iteration run ends', async () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    const ra = json(catnet(...first, ...common, '--iterations', '20', '--out', a));
    const single = json(catnet(...first, ...common, '--iterations', '40'));
    const rb = json(catnet(...common, '--init-from', a, '--iterations', '20', '--out', b));
    expect(rb.layers).toEqual([12288, 3, 1]);
    expect(rb.init_from).toBe(a);
    expect(rb.iterations).toBe(20);
    expect(rb.final_cost).toBeLessThan(ra.final_cost);
    const costs = `20 + 20: ${rb.final_cost} (${rb.backend}, ${rb.threads} threads); 40: ${single.final_cost} (${single.backend}, ${single.threads} threads)`;
    expect(Math.abs(rb.final_cost - single.final_cost), costs).toBeLessThanOrEqual(1e-6);
    const model = await loadModelFile(b);
    expect(model.config.activations).toEqual(['tanh', 'sigmoid']);
    expect(model.classNames).toEqual(['dog', 'cat']);
    expect(model.resize).toBe('fill');
    // Given and consistent is accepted too.
    const rc = json(catnet(...common, '--init-from', a, '--layers', '3', '--activation', 'tanh', '--iterations', '1'));
    expect(Math.abs(rc.final_cost - ra.final_cost)).toBeLessThan(0.05);
  });

  it('refuses a network that does not match the model, and a missing model, with messages', () => {
    const a = join(dir, 'a.onnx');
    const r = catnet(...common, '--init-from', a, '--layers', '5', '--iterations', '1');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `catnet train: --init-from ${a}: the model to continue from is [12288, 3, 1] tanh but the requested network is [12288, 5, 1] tanh`,
    );
    const s = catnet(...common, '--init-from', a, '--activation', 'relu', '--iterations', '1');
    expect(s.stderr).toMatch(/\[12288, 3, 1\] tanh but the requested network is \[12288, 3, 1\] relu/);
    const t = catnet(...common, '--init-from', join(dir, 'nope.onnx'), '--iterations', '1');
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/catnet train: Cannot open model .*nope\.onnx/);
  });
});
