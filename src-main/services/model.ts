// The current model: kept in memory, saved (exported, verified against onnxruntime, atomically
// written) to userData/last-model.onnx whenever it changes, restored from there at start, exported
// to a chosen .onnx, or replaced by an opened .onnx. The .onnx file is the app's own model format.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemporaries } from '../../src-core/fsio/atomic.js';
import type { Model } from '../../src-core/nn/model.js';
import { N_X } from '../../src-core/nn/model.js';
import { formatLayers } from '../../src-core/nn/spec.js';
import { exportOnnx } from '../../src-core/onnx/export.js';
import { loadModelFile, saveModel } from '../../src-core/onnx/model-file.js';
import { verifyOnnx } from '../../src-core/onnx/verify.js';
import type { ExportResult, ModelInfo } from '../contract.js';
import { exportTarget } from './export-target.js';
import { requireFullPath } from './full-path.js';

export const LAST_MODEL_FILE = 'last-model.onnx';

export function modelInfo(model: Model, source: string): ModelInfo {
  const { activations, layerDims } = model.config;
  const hidden = activations.slice(0, -1);
  return {
    layerDims: [...layerDims],
    ...(model.config.features?.length ? { layers: formatLayers(model.config) } : {}),
    activation: hidden[0] ?? 'sigmoid',
    classNames: [...model.classNames],
    threshold: model.threshold,
    ...(model.summary.trainAccuracy !== undefined ? { trainAccuracy: model.summary.trainAccuracy } : {}),
    ...(model.summary.testAccuracy !== undefined ? { testAccuracy: model.summary.testAccuracy } : {}),
    source,
  };
}

/** Pixels that exercise the model when no images are loaded: a fixed pseudo-random pattern. */
export function fallbackSample(m = 4): { pixels: Uint8Array; m: number } {
  const pixels = new Uint8Array(m * N_X);
  let s = 12345;
  for (let i = 0; i < pixels.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    pixels[i] = s >>> 24;
  }
  return { pixels, m };
}

export class ModelKeeper {
  model: Model | null = null;
  readonly lastModelPath: string;

  constructor(userData: string) {
    this.lastModelPath = join(userData, LAST_MODEL_FILE);
  }

  /** Reads last-model.onnx when the project says there was a model; a problem is returned as a notice. */
  async restore(expected: boolean): Promise<string | undefined> {
    this.model = null;
    await removeStaleTemporaries(this.lastModelPath); // left by a save the app was killed in
    if (!expected) return undefined;
    if (!existsSync(this.lastModelPath))
      return `The last model (${this.lastModelPath}) is missing; train again or open an .onnx file.`;
    try {
      this.model = await loadModelFile(this.lastModelPath);
      return undefined;
    } catch (error) {
      return `The last model could not be restored: ${(error as Error).message}`;
    }
  }

  /** Makes `model` current and saves it as the last model (verified on `sample`). */
  async replace(model: Model, sample: { pixels: Uint8Array; m: number }): Promise<void> {
    // Current only once saved: a failed save (full disk, read-only folder) keeps the previous model.
    await saveModel(this.lastModelPath, model, sample.pixels, sample.m);
    this.model = model;
  }

  /**
   * Loads onnxruntime and the ONNX schema once, on a throw-away logistic model, so the first real
   * save (right after a training run) does not pause the main thread for their start-up (~0.4 s).
   */
  async warmUp(): Promise<void> {
    const { pixels, m } = fallbackSample(1);
    const model: Model = {
      config: { layerDims: [N_X, 1], activations: ['sigmoid'] },
      params: { W: [new Float32Array(N_X)], b: [new Float32Array(1)] },
      classNames: ['positive', 'negative'],
      resize: 'cover',
      threshold: 0.5,
      summary: {},
    };
    await verifyOnnx(exportOnnx(model), model, pixels, m);
  }

  clear(): void {
    this.model = null;
  }

  require(): Model {
    if (!this.model) throw new Error('There is no model yet: train one, or open an .onnx file');
    return this.model;
  }

  async exportTo(path: string, sample: { pixels: Uint8Array; m: number }): Promise<ExportResult> {
    const model = this.require();
    return saveModel(await exportTarget(path), model, sample.pixels, sample.m);
  }

  async open(path: string): Promise<Model> {
    requireOnnxPath(path);
    return loadModelFile(path);
  }
}

/** Model files come from the user: refuse a relative path (see full-path.ts). */
function requireOnnxPath(path: string): void {
  requireFullPath(path, 'the .onnx file', '/home/me/cats.onnx');
}
