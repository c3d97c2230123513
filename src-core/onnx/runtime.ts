// onnxruntime-node over a model file's bytes. The bytes are checked by analyseOnnx first, so
// onnxruntime only ever sees graphs catnet understands (no external data, no custom operators).

import * as ort from 'onnxruntime-node';
import type { Model } from '../nn/model.js';
import { IMAGE_SIZE, N_X } from '../nn/model.js';
import { largestPerImage } from './conv-shapes.js';
import { analyseOnnx, type OnnxAnalysis } from './import.js';
import { ModelRejected } from './model-error.js';

/** Images per onnxruntime call, at most: bounds the float32 buffers at ~50 MB for the course's nets. */
const BATCH = 1024;
/** Largest float32 map per onnxruntime call (64 MB): a CNN's first feature maps are big per image. */
const MAX_BATCH_VALUES = 16 * 1024 * 1024;

/** Images per call for this model: BATCH, or fewer when one image's largest map is large. */
function batchFor(model: Model): number {
  return Math.max(1, Math.min(BATCH, Math.floor(MAX_BATCH_VALUES / largestPerImage(model.config))));
}

export class OnnxClassifier {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly analysis: OnnxAnalysis,
    private readonly sourceName: string,
  ) {}

  /** Throws with a message naming `sourceName` when the bytes are not a model catnet can run. */
  static async create(bytes: Uint8Array, sourceName = 'the model file'): Promise<OnnxClassifier> {
    const analysis = analyseOnnx(bytes, sourceName);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, graphOptimizationLevel: 'all' });
    } catch (e) {
      throw new Error(`onnxruntime could not load ${sourceName}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return new OnnxClassifier(session, analysis, sourceName);
  }

  get model(): Model {
    return this.analysis.model;
  }

  /** Probabilities of the positive class for m images (m x 12288 bytes, HWC unrolled). */
  async predict(pixels: Uint8Array, m: number): Promise<Float32Array> {
    if (pixels.length !== m * N_X) throw new Error(`predict: expected ${m} x ${N_X} bytes, got ${pixels.length}.`);
    const out = new Float32Array(m);
    const { inputName, probabilityName, fixedBatch } = this.analysis;
    const batch = fixedBatch ?? batchFor(this.model);
    for (let start = 0; start < m; start += batch) {
      const k = Math.min(batch, m - start);
      let X = pixels.subarray(start * N_X, (start + k) * N_X);
      if (fixedBatch !== undefined && k < fixedBatch) {
        // A file with a fixed batch size takes exactly that many images: pad with black ones.
        const padded = new Uint8Array(fixedBatch * N_X);
        padded.set(X);
        X = padded;
      }
      const rows = X.length / N_X;
      const image = new ort.Tensor('uint8', X, [rows, IMAGE_SIZE, IMAGE_SIZE, 3]);
      const result = await this.session.run({ [inputName]: image }, [probabilityName]);
      const p = result[probabilityName];
      if (p.type !== 'float32' || p.data.length !== rows)
        throw new Error(
          `onnxruntime returned ${p.type} [${p.dims.join(', ')}] for "${probabilityName}"; expected float32 [${rows}, 1].`,
        );
      const probabilities = (p.data as Float32Array).subarray(0, k);
      // Never a NaN "prediction" (import bounds the values, so this is a second line of defence).
      const bad = probabilities.findIndex((x) => !(x >= 0 && x <= 1));
      if (bad >= 0)
        throw new ModelRejected(
          'not-finite',
          `${this.sourceName} gives probability ${probabilities[bad]} for image ${start + bad + 1}; it is not a usable classifier.`,
        );
      out.set(probabilities, start);
      p.dispose();
    }
    return out;
  }

  /** label = 1 (positive) where probability >= threshold. */
  labels(probabilities: Float32Array): Uint8Array {
    const labels = new Uint8Array(probabilities.length);
    for (let i = 0; i < labels.length; i++) labels[i] = probabilities[i] >= this.model.threshold ? 1 : 0;
    return labels;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
