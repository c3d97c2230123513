// Imported images as training data: uint8 pixels (m, n_x) in a SharedArrayBuffer (a worker reads them
// without a copy), labels (1 = positive class) and where each image came from. Float conversion
// (x / 255) happens per batch, on demand. No file system here.

import { N_X } from '../image-format.js';
import { sharedPixels } from './pixel-memory.js';
import { stratifiedIndices } from './split.js';

/** What crosses to a worker thread: the SharedArrayBuffer-backed pixels are shared, not copied. */
export interface DatasetTransfer {
  m: number;
  pixels: Uint8Array;
  labels: Uint8Array;
  paths: string[];
}

export interface ClassCounts {
  positive: number;
  negative: number;
}

/** A class is "imbalanced" when the larger one has more than this many times the images of the smaller. */
export const IMBALANCE_RATIO = 3;
/** Fewer images than this in a class earns a warning too. */
export const MIN_PER_CLASS = 10;

export class Dataset {
  /** Number of examples. */
  readonly m: number;
  /**
   * (m, n_x) row-major uint8, HWC per row, backed by a SharedArrayBuffer. May be a view of a larger
   * buffer (the import sizes it for every file listed): use this view, not `pixels.buffer` alone.
   */
  readonly pixels: Uint8Array;
  /** (m) 1 = positive class (classNames[0]), 0 = negative. */
  readonly labels: Uint8Array;
  /** (m) source file of each row, for people (and for re-opening it). */
  readonly paths: string[];

  constructor(pixels: Uint8Array, labels: Uint8Array, paths: string[]) {
    const m = labels.length;
    if (pixels.length !== m * N_X)
      throw new Error(`Dataset: pixels hold ${pixels.length} bytes, expected m * ${N_X} = ${m * N_X}`);
    if (paths.length !== m) throw new Error(`Dataset: ${paths.length} paths for ${m} labels`);
    this.m = m;
    this.pixels = pixels;
    this.labels = labels;
    this.paths = paths;
  }

  /** Copies vectors (each N_X bytes) into one shared buffer. */
  static fromVectors(vectors: readonly Uint8Array[], labels: ArrayLike<number>, paths: string[]): Dataset {
    const m = vectors.length;
    const pixels = sharedPixels(m * N_X);
    for (let i = 0; i < m; i++) {
      if (vectors[i].length !== N_X)
        throw new Error(`Dataset: vector ${i} has ${vectors[i].length} bytes, expected ${N_X}`);
      pixels.set(vectors[i], i * N_X);
    }
    return new Dataset(pixels, Uint8Array.from(labels), paths.slice());
  }

  static empty(): Dataset {
    return Dataset.fromVectors([], [], []);
  }

  /** Rebuilds a Dataset on the other side of postMessage (pixels stay shared). */
  static fromTransfer(t: DatasetTransfer): Dataset {
    return new Dataset(t.pixels, t.labels, t.paths);
  }

  toTransfer(): DatasetTransfer {
    return { m: this.m, pixels: this.pixels, labels: this.labels, paths: this.paths };
  }

  /** Row i of pixels (a view, no copy). */
  vector(i: number): Uint8Array {
    return this.pixels.subarray(i * N_X, (i + 1) * N_X);
  }

  counts(): ClassCounts {
    let positive = 0;
    for (let i = 0; i < this.m; i++) positive += this.labels[i];
    return { positive, negative: this.m - positive };
  }

  /**
   * Float batch, one example per row: (batch, n_x) row-major, x / 255 (i.e. X^T in the course's
   * notation). `indices` default: all rows. Writes into `out` when given (length >= batch * n_x).
   */
  toFloat(indices?: ArrayLike<number>, out?: Float32Array): Float32Array {
    const idx = indices ?? range(this.m);
    const X = out ?? new Float32Array(idx.length * N_X);
    for (let r = 0; r < idx.length; r++) {
      const src = this.vector(idx[r]);
      const base = r * N_X;
      for (let j = 0; j < N_X; j++) X[base + j] = src[j] / 255;
    }
    return X;
  }

  /** Float batch in the course's layout: X (n_x, batch) row-major, one example per column, x / 255. */
  toFloatColumns(indices?: ArrayLike<number>, out?: Float32Array): Float32Array {
    const idx = indices ?? range(this.m);
    const n = idx.length;
    const X = out ?? new Float32Array(n * N_X);
    for (let c = 0; c < n; c++) {
      const src = this.vector(idx[c]);
      for (let j = 0; j < N_X; j++) X[j * n + c] = src[j] / 255;
    }
    return X;
  }

  /** Labels of `indices` as floats: Y (1, batch). */
  labelsFloat(indices?: ArrayLike<number>): Float32Array {
    const idx = indices ?? range(this.m);
    const Y = new Float32Array(idx.length);
    for (let i = 0; i < idx.length; i++) Y[i] = this.labels[idx[i]];
    return Y;
  }

  /** A new Dataset with the given rows (copied, in that order). */
  subset(indices: ArrayLike<number>): Dataset {
    const n = indices.length;
    const pixels = sharedPixels(n * N_X);
    const labels = new Uint8Array(n);
    const paths: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = indices[i];
      if (!(k >= 0 && k < this.m)) throw new Error(`Dataset.subset: index ${k} outside 0..${this.m - 1}`);
      pixels.set(this.vector(k), i * N_X);
      labels[i] = this.labels[k];
      paths[i] = this.paths[k];
    }
    return new Dataset(pixels, labels, paths);
  }

  /** Rows of a, then rows of b (copied). */
  static concat(a: Dataset, b: Dataset): Dataset {
    const m = a.m + b.m;
    const pixels = sharedPixels(m * N_X);
    pixels.set(a.pixels, 0);
    pixels.set(b.pixels, a.m * N_X);
    const labels = new Uint8Array(m);
    labels.set(a.labels, 0);
    labels.set(b.labels, a.m);
    return new Dataset(pixels, labels, [...a.paths, ...b.paths]);
  }

  /**
   * Splits row indices into train and validation, keeping each class's proportion: about
   * round(fraction * count) of each class goes to validation. Deterministic for a given seed.
   */
  stratifiedSplit(fraction: number, seed = 1): { train: Uint32Array; validation: Uint32Array } {
    return stratifiedIndices(this.labels, fraction, seed);
  }

  /**
   * A sentence when one class is much smaller than the other (or tiny), else null.
   * classNames = [positive, negative].
   */
  imbalanceWarning(classNames: [string, string] = ['positive', 'negative']): string | null {
    const { positive, negative } = this.counts();
    const named: [string, number][] = [
      [classNames[0], positive],
      [classNames[1], negative],
    ];
    named.sort((x, y) => x[1] - y[1]);
    const [[smallName, small], [bigName, big]] = named;
    if (this.m === 0) return null;
    if (small === 0) return `No '${smallName}' images: training needs images of both classes.`;
    if (big > IMBALANCE_RATIO * small)
      return (
        `Only ${small} '${smallName}' images for ${big} '${bigName}' images: the model may learn to answer ` +
        `'${bigName}' almost always. Add '${smallName}' images or remove some '${bigName}' ones.`
      );
    if (small < MIN_PER_CLASS)
      return `Only ${small} '${smallName}' images: add more (a few hundred per class works much better).`;
    return null;
  }
}

function range(n: number): Uint32Array {
  const r = new Uint32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
