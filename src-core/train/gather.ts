// Training pixels that are still scattered over several buffers (the app's per-folder Datasets):
// described as runs of bytes so the main thread never copies them, and gathered into one X (m, n_x)
// by train() itself, i.e. in the worker thread. SharedArrayBuffer sources cross to the worker shared.

import { nativeData } from '../data/native-data.js';
import { privatePixels } from '../data/pixel-memory.js';
import type { PixelRuns, TrainingData, TrainingInput } from './options.js';

/**
 * The runs holding `vectors` in order (consecutive vectors of one buffer merge into one run), or null
 * when a vector is not backed by a SharedArrayBuffer (sending it would clone its whole buffer).
 */
export function pixelRunsOf(vectors: readonly Uint8Array[]): PixelRuns | null {
  const sources: Uint8Array[] = [];
  const index = new Map<ArrayBufferLike, number>();
  const runs: number[] = [];
  for (const v of vectors) {
    if (!(v.buffer instanceof SharedArrayBuffer)) return null;
    let s = index.get(v.buffer);
    if (s === undefined) {
      s = sources.length;
      index.set(v.buffer, s);
      sources.push(new Uint8Array(v.buffer));
    }
    const last = runs.length - 3;
    if (last >= 0 && runs[last] === s && runs[last + 1]! + runs[last + 2]! === v.byteOffset)
      runs[last + 2]! += v.length;
    else runs.push(s, v.byteOffset, v.length);
  }
  return { sources, runs: Float64Array.from(runs) };
}

function isRuns(x: Uint8Array | PixelRuns): x is PixelRuns {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && 'runs' in x;
}

/** The pixels as one array: a view when they are one run (no copy), else a gathered copy. Anything
 * else is returned as given (train()'s data checks then say what is wrong). */
export function gatherPixels(x: Uint8Array | PixelRuns, what: string): Uint8Array {
  if (!isRuns(x)) return x;
  const { sources, runs } = x;
  if (!Array.isArray(sources) || !(runs instanceof Float64Array) || runs.length % 3 !== 0)
    throw new Error(`${what}: pixel runs must be { sources: Uint8Array[], runs: Float64Array of triples }`);
  let total = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const [s, start, length] = [runs[r]!, runs[r + 1]!, runs[r + 2]!];
    const source = sources[s];
    const ok =
      source instanceof Uint8Array &&
      Number.isInteger(start) &&
      Number.isInteger(length) &&
      start >= 0 &&
      length >= 0 &&
      start + length <= source.length;
    if (!ok)
      throw new Error(
        `${what}: pixel run ${r / 3} (source ${s}, bytes ${start}..${start + length}) is outside its source buffer`,
      );
    total += length;
  }
  if (runs.length === 3) return sources[runs[0]!]!.subarray(runs[1]!, runs[1]! + runs[2]!);
  const X = privatePixels(total); // huge pages asked for: faster first touch and row gathers
  let offset = 0;
  for (let r = 0; r < runs.length; r += 3) {
    X.set(sources[runs[r]!]!.subarray(runs[r + 1]!, runs[r + 1]! + runs[r + 2]!), offset);
    offset += runs[r + 2]!;
  }
  return X;
}

/** The input with its pixels gathered (see gatherPixels). */
export function gatherTrainingData(data: TrainingInput): TrainingData {
  const { X, Xtest, ...rest } = data;
  return {
    ...rest,
    X: gatherPixels(X, 'training data'),
    ...(Xtest !== undefined ? { Xtest: gatherPixels(Xtest, 'test data') } : {}),
  };
}

/**
 * A mini-batch: dst row i = X row rows[from + i], i < count (rows of n_x bytes). Natively a memcpy
 * per row (V8 copies out of a SharedArrayBuffer with relaxed-atomic words: 3-5x slower for a Dataset).
 */
export function gatherRows(
  X: Uint8Array,
  n_x: number,
  rows: Uint32Array,
  from: number,
  count: number,
  dst: Uint8Array,
): void {
  const native = nativeData();
  if (native) {
    native.gatherRows(X, n_x, rows, from, count, dst);
    return;
  }
  for (let i = 0; i < count; i++) {
    const row = rows[from + i];
    dst.set(X.subarray(row * n_x, (row + 1) * n_x), i * n_x);
  }
}
