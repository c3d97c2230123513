// `catnet train` with the convolutional settings: --layers text with conv and pool items, --augment,
// --preset small-cnn (command-line values win over the preset's), and usage errors in the text (exit 2).
// Runs one short epoch on 12 generated images, so it stays quick on the reference conv loops.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPreset, type TrainCommandOptions } from '../../../src-core/cli/train-settings.js';
import { PRESETS } from '../../../src-core/train/presets.js';
import { CATNET_BIN as bin, trainFolders } from '../../helpers/cli-train.js';

const { dir, catnet } = trainFolders('catnet-cnn-cli-', 64, 300_000);

describe('catnet train with convolutional layers', () => {
  it('refuses bad layers and augmentation text with exit code 2 and a message naming the item', () => {
    const a = catnet('--layers', 'c16,x');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--layers: layers: item 2 \("x"\) of "c16,x" is not a layer/);
    const b = catnet('--layers', '64,c16');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/comes after a dense layer/);
    const c = catnet('--augment', 'flip,rotate');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--augment: augmentation: "rotate"/);
    const d = catnet('--preset', 'huge-cnn');
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/--preset must be one of logistic, two-layer, four-layer, small-cnn/);
  });

  it('trains the Small CNN preset (one epoch here), saves it, continues it, and inspect prints the layers', () => {
    const out = join(dir, 'cnn.onnx');
    const r = catnet('--preset', 'small-cnn', '--epochs', '1', '--batch-size', '4', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.layers).toEqual([64 * 8 * 8, 64, 1]);
    expect(result.layers_text).toBe('c16,p,c32,p,c64,p,64');
    expect(result.augment).toBe('flip,shift4');
    expect(result.iterations).toBe(3); // 12 images in batches of 4, one epoch
    expect(result.train_accuracy).toBeGreaterThanOrEqual(0);
    expect(result.onnx_max_difference).toBeLessThan(1e-5);

    // Continue: the layers come from the model; the first cost is the saved model's (no re-initialisation).
    const again = catnet('--init-from', out, '--epochs', '1', '--batch-size', '12', '--augment', 'none', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).layers_text).toBe('c16,p,c32,p,c64,p,64');
    const wrong = catnet('--init-from', out, '--layers', 'c8,p,64', '--json');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/set the layers to c16,p,c32,p,c64,p,64/);

    const inspect = spawnSync(process.execPath, [bin, 'inspect', out], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/layers text\s+c16,p,c32,p,c64,p,64/);
    expect(inspect.stdout).toMatch(/conv 3x3, 16 filters, relu\s+\(16, 64, 64\)\s+448/);
    expect(inspect.stdout).toMatch(/max-pool 2x2\s+\(64, 8, 8\)\s+0/);
  });

  it('a preset fills only what the command line does not give', () => {
    const o = { layers: '20,7,5', learningRate: 0.5, batchSize: 0 } as TrainCommandOptions;
    const given = (key: string) => key === 'learningRate';
    const set = applyPreset(o, 'small-cnn', given);
    const p = PRESETS['small-cnn'].settings;
    expect(o.learningRate).toBe(0.5);
    expect(o.layers).toBe(p.layers);
    expect(o.batchSize).toBe(32);
    expect(o.epochs).toBe(30);
    expect(o.iterations).toBeUndefined();
    expect(o.augment).toEqual({ flip: true, shift: 4 });
    expect(set.has('learningRate')).toBe(false);
    const course = {} as TrainCommandOptions;
    applyPreset(course, 'logistic', () => false);
    expect(course).toMatchObject({ layers: '', init: 'zeros', learningRate: 0.005, iterations: 2000, batchSize: 0 });
  });
});
