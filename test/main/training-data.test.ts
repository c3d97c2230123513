// The training service hands the worker the images' own (shared) Dataset buffers as runs, never a
// copy of the whole set made on the main thread; train() gathers them and trains exactly as on one
// copied buffer. Images come from two SharedArrayBuffers ("folders") with some rows removed, so the
// runs are split and interleaved like the library's.

import { describe, expect, it } from 'vitest';
import { N_X } from '../../src-core/nn/model.js';
import type { PixelRuns, TrainingInput, TrainResult } from '../../src-core/train/options.js';
import { train } from '../../src-core/train/train.js';
import { PRESETS, type Role, type TrainSettings } from '../../src-main/contract.js';
import { examplesOf } from '../../src-main/services/evaluation.js';
import type { LibraryImage } from '../../src-main/services/library.js';
import { type RunningTrainer, TrainingService, trainOptionsOf } from '../../src-main/services/training.js';

/** A folder: `m` pseudo-random images in one SharedArrayBuffer, brighter for the positive class. */
function folder(
  m: number,
  role: Role,
  seed: number,
  firstId: number,
): { buffer: SharedArrayBuffer; images: LibraryImage[] } {
  const buffer = new SharedArrayBuffer(m * N_X);
  const pixels = new Uint8Array(buffer);
  let s = seed >>> 0;
  const bright = role.endsWith('-positive') ? 80 : 0;
  for (let i = 0; i < pixels.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    pixels[i] = Math.min(255, (s >>> 25) + bright + (i % 97));
  }
  const images = Array.from({ length: m }, (_, i) => ({
    id: firstId + i,
    role,
    path: `/data/${role}/${i}.png`,
    folder: `/data/${role}`,
    vector: pixels.subarray(i * N_X, (i + 1) * N_X),
    hash: `${role}${i}`,
  }));
  return { buffer, images };
}

const settings: TrainSettings = { ...PRESETS.logistic, iterations: 25, learningRate: 0.005, validationFraction: 0.25 };

function serviceWith(images: LibraryImage[]) {
  const given: TrainingInput[] = [];
  let finished: TrainResult | null = null;
  const service = new TrainingService(
    {
      emit: () => {},
      images: () => images,
      classNames: () => ['pos', 'neg'],
      backendLabel: () => 'test',
      currentModel: () => null,
      finished: async (result) => {
        finished = result;
      },
      failed: async (_run, failure) => {
        throw failure;
      },
    },
    (data, options, onProgress): RunningTrainer => {
      given.push(data);
      const controller = new AbortController();
      return {
        result: train(data, options, { onProgress, signal: controller.signal }),
        cancel: () => controller.abort(),
        terminate: async () => controller.abort(),
      };
    },
  );
  return { service, given, finished: () => finished };
}

describe('training data handed to the worker', () => {
  const pos = folder(30, 'train-positive', 1, 0);
  const neg = folder(34, 'train-negative', 2, 100);
  const testPos = folder(6, 'test-positive', 3, 200);
  // some rows removed (split runs), the classes interleaved as a rebuild may list them
  const trainImages = [
    ...pos.images.slice(0, 12),
    ...neg.images.slice(0, 20),
    ...pos.images.slice(14),
    ...neg.images.slice(21),
  ];
  const images = [...trainImages, ...testPos.images];

  it('passes the Datasets own buffers as runs (no whole-set copy on the main thread)', async () => {
    const { service, given } = serviceWith(images);
    service.start(settings);
    while (service.busy) await new Promise((r) => setTimeout(r, 5));
    const X = given[0]!.X as PixelRuns;
    expect(X).not.toBeInstanceOf(Uint8Array);
    expect(X.sources.map((s) => s.buffer)).toEqual([pos.buffer, neg.buffer]);
    expect(X.sources[0]!.buffer).toBe(pos.buffer);
    expect(X.sources[1]!.buffer).toBe(neg.buffer);
    // biome-ignore format: (source, first byte, byte count) triples
    expect(Array.from(X.runs)).toEqual([
      0, 0, 12 * N_X,
      1, 0, 20 * N_X,
      0, 14 * N_X, 16 * N_X,
      1, 21 * N_X, 13 * N_X,
    ]);
    const T = given[0]!.Xtest as PixelRuns;
    expect(T.sources[0]!.buffer).toBe(testPos.buffer);
    expect(Array.from(T.runs)).toEqual([0, 0, 6 * N_X]);
    expect(Array.from(given[0]!.Y)).toEqual(trainImages.map((i) => (i.role === 'train-positive' ? 1 : 0)));
  });

  it('trains exactly as on one copied buffer (the previous behaviour)', async () => {
    const { service, given, finished } = serviceWith(images);
    service.start(settings);
    while (service.busy) await new Promise((r) => setTimeout(r, 5));
    const viaRuns = finished()!;
    expect(viaRuns.stopped).toBe('completed');
    const copied = examplesOf(trainImages);
    const copiedTest = examplesOf(testPos.images);
    const oracle = await train(
      { X: copied.X, Y: copied.Y, m: copied.m, Xtest: copiedTest.X, Ytest: copiedTest.Y, mtest: copiedTest.m },
      { ...trainOptionsOf(settings, 0.25), classNames: ['pos', 'neg'] },
    );
    expect(given).toHaveLength(1);
    expect(viaRuns.finalCost).toBe(oracle.finalCost);
    expect(viaRuns.testAccuracy).toBe(oracle.testAccuracy);
    expect(viaRuns.model.params.W[0]).toEqual(oracle.model.params.W[0]);
    expect(viaRuns.model.params.b[0]).toEqual(oracle.model.params.b[0]);
  });
});
