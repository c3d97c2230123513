// Augmentation: a flip is an exact mirror, a shift moves content and reflects at the border, draws are
// seeded, the source dataset is never touched, and training with it is deterministic. The oracle is a
// direct per-pixel formula written independently of augment.ts's loop.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../src-core/kernels/reference.js';
import { Random } from '../../../src-core/nn/random.js';
import { Augmenter, formatAugmentation, imageShape, parseAugmentation } from '../../../src-core/train/augment.js';
import type { TrainingData } from '../../../src-core/train/options.js';
import { train } from '../../../src-core/train/train.js';

const side = 8;
const n_x = side * side * 3;

function images(count: number, seed: number): Uint8Array {
  const r = new Random(seed);
  return Uint8Array.from({ length: count * n_x }, () => r.below(256));
}

const pixel = (img: Uint8Array, y: number, x: number) =>
  Array.from(img.subarray((y * side + x) * 3, (y * side + x) * 3 + 3));

/** NumPy's np.pad(mode='reflect') index. */
const mirrorIndex = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);

describe('augmentation', () => {
  it('a flip alone is an exact left-right mirror, applied to about half the images', () => {
    const source = images(200, 1);
    const batch = source.slice();
    new Augmenter({ flip: true, shift: 0 }, n_x, 7).apply(batch, 200);
    let flipped = 0;
    for (let i = 0; i < 200; i++) {
      const a = source.subarray(i * n_x, (i + 1) * n_x);
      const b = batch.subarray(i * n_x, (i + 1) * n_x);
      const same = a.every((v, j) => v === b[j]);
      if (!same) {
        flipped++;
        for (let y = 0; y < side; y++)
          for (let x = 0; x < side; x++) expect(pixel(b, y, x)).toEqual(pixel(a, y, side - 1 - x));
      }
    }
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
  });

  it('a shift moves the content by (dx, dy) and reflects at the border, within the bound', () => {
    const count = 300;
    const source = images(count, 2);
    const batch = source.slice();
    const shift = 3;
    new Augmenter({ flip: false, shift }, n_x, 11).apply(batch, count);
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const a = source.subarray(i * n_x, (i + 1) * n_x);
      const b = batch.subarray(i * n_x, (i + 1) * n_x);
      // Find the (dx, dy) in the bound that explains every pixel of b; exactly one must.
      const fits: string[] = [];
      for (let dy = -shift; dy <= shift; dy++)
        for (let dx = -shift; dx <= shift; dx++) {
          let ok = true;
          for (let y = 0; y < side && ok; y++)
            for (let x = 0; x < side && ok; x++)
              ok = pixel(b, y, x).join() === pixel(a, mirrorIndex(y + dy, side), mirrorIndex(x + dx, side)).join();
          if (ok) fits.push(`${dx},${dy}`);
        }
      expect(fits).toHaveLength(1);
      seen.add(fits[0]!);
    }
    expect(seen.size).toBe((2 * shift + 1) ** 2); // every offset drawn in 300 images
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const source = images(32, 3);
    const run = (seed: number) => {
      const b = source.slice();
      new Augmenter({ flip: true, shift: 4 }, n_x, seed).apply(b, 32);
      return b;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('parses and formats the settings text, refusing unknown words with a coded error', () => {
    expect(parseAugmentation('flip,shift')).toEqual({ flip: true, shift: 4 });
    expect(parseAugmentation('none')).toEqual({ flip: false, shift: 0 });
    expect(parseAugmentation(' shift6 ')).toEqual({ flip: false, shift: 6 });
    expect(formatAugmentation({ flip: true, shift: 4 })).toBe('flip,shift4');
    expect(formatAugmentation(parseAugmentation('none'))).toBe('none');
    expect(() => parseAugmentation('flip,rotate')).toThrow(/"rotate"/);
    expect(() => parseAugmentation('shift99')).toThrow(
      expect.objectContaining({ name: 'TrainError', code: 'bad-option' }),
    );
    expect(imageShape(12288)).toEqual({ h: 64, w: 64, c: 3 });
    expect(imageShape(20)).toBeNull();
  });

  it('training with augmentation leaves the dataset bytes alone and is reproducible', async () => {
    const m = 64;
    const X = images(m, 4);
    const Y = Uint8Array.from({ length: m }, (_, i) => i % 2);
    const data: TrainingData = { X, Y, m, n_x };
    const before = X.slice();
    const options = {
      hiddenLayers: [4],
      activation: 'relu' as const,
      init: 'he' as const,
      learningRate: 0.01,
      iterations: 3,
      batchSize: 16,
      optimizer: 'adam' as const,
      augment: { flip: true, shift: 2 },
    };
    const kernels = referenceKernels();
    const a = await train(data, options, { kernels });
    const b = await train(data, options, { kernels });
    const plain = await train(data, { ...options, augment: { flip: false, shift: 0 } }, { kernels });
    expect(X).toEqual(before);
    expect(a.model.params.W[0]).toEqual(b.model.params.W[0]);
    expect(a.model.params.W[0]).not.toEqual(plain.model.params.W[0]);
    expect(a.model.summary.hyperparameters?.augment).toBe('flip,shift2');
    // Full batch copies the set once and augments the copy.
    await train(data, { ...options, batchSize: 0 }, { kernels });
    expect(X).toEqual(before);
  });

  it('refuses augmentation of data that is not square RGB images', async () => {
    const data: TrainingData = { X: new Uint8Array(40), Y: Uint8Array.of(0, 1), m: 2, n_x: 20 };
    const options = {
      hiddenLayers: [],
      activation: 'relu' as const,
      init: 'zeros' as const,
      learningRate: 1,
      iterations: 1,
    };
    await expect(
      train(data, { ...options, augment: { flip: true, shift: 0 } }, { kernels: referenceKernels() }),
    ).rejects.toThrow(/square RGB images/);
  });
});
