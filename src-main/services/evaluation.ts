// Metrics of the current model at a threshold: on the training images, and on the test folders (or,
// without them, on the same validation split training held out), plus the misclassified images.

import { stratifiedIndices } from '../../src-core/data/split.js';
import type { Model } from '../../src-core/nn/model.js';
import { N_X } from '../../src-core/nn/model.js';
import { metrics } from '../../src-core/train/metrics.js';
import { type Evaluation, type ImageEntry, splitOfRole } from '../contract.js';
import { type LibraryImage, labelOf } from './library.js';
import { predictChunked } from './predict-chunked.js';

export const MAX_MISCLASSIFIED = 200;

/**
 * X (m, n_x) and Y (m) of some images, copied into one buffer. X lives in a SharedArrayBuffer so the
 * training worker reads it without a second copy (100,000 images = 1.2 GB).
 */
export function examplesOf(images: readonly LibraryImage[]): { X: Uint8Array; Y: Uint8Array; m: number } {
  const m = images.length;
  const X = new Uint8Array(new SharedArrayBuffer(Math.max(1, m * N_X)), 0, m * N_X);
  const Y = new Uint8Array(m);
  images.forEach((image, i) => {
    X.set(image.vector, i * N_X);
    Y[i] = labelOf(image.role);
  });
  return { X, Y, m };
}

/**
 * The split training uses: test folders when there are test images; otherwise `fraction` of the
 * training images (stratified, seeded with `seed`: the same rows train() held out).
 */
export function heldOutSplit(
  all: readonly LibraryImage[],
  fraction: number,
  seed: number,
): { train: LibraryImage[]; test: LibraryImage[]; source: Evaluation['testSource'] } {
  const train = all.filter((i) => splitOfRole(i.role) === 'train');
  const test = all.filter((i) => splitOfRole(i.role) === 'test');
  if (test.length > 0) return { train, test, source: 'test-folders' };
  if (fraction <= 0 || train.length === 0) return { train, test: [], source: null };
  const rows = stratifiedIndices(
    Uint8Array.from(train, (i) => labelOf(i.role)),
    fraction,
    seed,
  );
  return {
    train: Array.from(rows.train, (r) => train[r]!),
    test: Array.from(rows.validation, (r) => train[r]!),
    source: 'validation-split',
  };
}

interface Scored {
  images: LibraryImage[];
  /** P[i] = the model's probability for images[i]; Y[i] its label. */
  P: Float32Array;
  Y: Uint8Array;
  m: number;
}

/** The model's probabilities on the held-out split: the costly part of an evaluation, the same at any threshold. */
export interface ScoredSplit {
  train: Scored;
  test: Scored | null;
  source: Evaluation['testSource'];
}

export async function scoreSplit(
  model: Model,
  all: readonly LibraryImage[],
  split: { fraction: number; seed: number },
): Promise<ScoredSplit> {
  const { train, test, source } = heldOutSplit(all, split.fraction, split.seed);
  const scored = async (images: LibraryImage[]): Promise<Scored> => {
    const Y = Uint8Array.from(images, (image) => labelOf(image.role));
    const P = await predictChunked(
      model,
      images.map((image) => image.vector),
      images.length,
    );
    return { images, P, Y, m: images.length };
  };
  const tr = await scored(train);
  const te = test.length > 0 ? await scored(test) : null;
  return { train: tr, test: te, source };
}

/** Metrics and the misclassified images of a scored split at `threshold`. */
export function evaluationAt({ train: tr, test: te, source }: ScoredSplit, threshold: number): Evaluation {
  const wrong: { entry: ImageEntry; error: number }[] = [];
  const collect = (s: Scored) => {
    s.images.forEach((image, i) => {
      const p = s.P[i]!;
      const y = s.Y[i]!;
      if ((p >= threshold ? 1 : 0) !== y)
        wrong.push({
          entry: { id: image.id, role: image.role, path: image.path, probability: p },
          error: Math.abs(p - y),
        });
    });
  };
  collect(tr);
  if (te) collect(te);
  wrong.sort((a, b) => b.error - a.error);
  return {
    train: metrics(tr.P, tr.Y, tr.m, threshold),
    test: te ? metrics(te.P, te.Y, te.m, threshold) : null,
    testSource: te ? source : null,
    misclassified: wrong.slice(0, MAX_MISCLASSIFIED).map((w) => w.entry),
  };
}
