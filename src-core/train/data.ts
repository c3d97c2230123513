// What train() trains on: labelled images as bytes (possibly still scattered over several buffers),
// an optional test set, and the checks that they describe what they claim, with coded errors.

import { TrainError } from './errors.js';

/** Labelled examples as bytes: X (m, n_x) row-major pixels (X / 255 is the network's input), Y (m) 0/1. */
export interface TrainingData {
  X: Uint8Array;
  Y: Uint8Array;
  m: number;
  /** Optional test set, evaluated once at the end. */
  Xtest?: Uint8Array;
  Ytest?: Uint8Array;
  mtest?: number;
  /** Features per example; 12288 (64x64 RGB) unless a test uses tiny synthetic data. */
  n_x?: number;
}

/**
 * Pixels scattered over several buffers, in row order: run k is bytes [start, start + length) of
 * sources[s] with (s, start, length) = runs[3k .. 3k+2]. train() gathers them (see gather.ts).
 */
export interface PixelRuns {
  /** Whole-buffer views; SharedArrayBuffer-backed ones cross to a worker without a copy. */
  sources: Uint8Array[];
  runs: Float64Array;
}

/** What train() accepts: TrainingData, or the same with X / Xtest as runs still to gather. */
export interface TrainingInput extends Omit<TrainingData, 'X' | 'Xtest'> {
  X: Uint8Array | PixelRuns;
  Xtest?: Uint8Array | PixelRuns;
}

/** Throws a TrainError ('no-data' or 'bad-data') unless the arrays hold m images of n_x bytes and 0/1 labels. */
export function checkData(data: TrainingData, n_x: number): void {
  const { X, Y, m } = data;
  if (!Number.isInteger(m) || m < 1) throw new TrainError('no-data', `training data: no images to train on (m = ${m})`);
  if (X.length < m * n_x)
    throw new TrainError('bad-data', `training data: ${m} images need ${m * n_x} pixel bytes, got ${X.length}`);
  if (Y.length < m) throw new TrainError('bad-data', `training data: ${m} images but ${Y.length} labels`);
  for (let i = 0; i < m; i++)
    if (Y[i] > 1) throw new TrainError('bad-data', `training data: label ${Y[i]} of image ${i} is not 0 or 1`);
  if (data.Xtest && data.Ytest) {
    const mt = data.mtest ?? data.Ytest.length;
    if (data.Xtest.length < mt * n_x || data.Ytest.length < mt)
      throw new TrainError('bad-data', `test data: ${mt} images need ${mt * n_x} pixel bytes and ${mt} labels`);
  }
}
