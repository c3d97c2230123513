// Every export is checked before it is reported done: onnxruntime runs the bytes on sample images and
// must agree with the engine's own forward pass within VERIFY_TOLERANCE.

import type { Model, NetworkConfig } from '../nn/model.js';
import { N_X } from '../nn/model.js';
import { predictProbabilities } from '../nn/predict.js';
import { OnnxClassifier } from './runtime.js';

export const VERIFY_TOLERANCE = 1e-5;

/**
 * samplePixels: (m, 12288) bytes, e.g. a sample of the training images; a black and a white image are
 * added so even m = 0 checks something. Throws (saying by how much and where) when the two disagree,
 * or when the file does not import back to the same architecture.
 */
export async function verifyOnnx(
  bytes: Uint8Array,
  model: Model,
  samplePixels: Uint8Array,
  m: number,
): Promise<{ maxDifference: number; images: number }> {
  if (samplePixels.length < m * N_X) throw new Error(`verifyOnnx: ${m} images need ${m * N_X} bytes.`);
  const X = new Uint8Array((m + 2) * N_X);
  X.set(samplePixels.subarray(0, m * N_X));
  X.fill(255, (m + 1) * N_X);
  const total = m + 2;

  const classifier = await OnnxClassifier.create(bytes, 'the exported model');
  try {
    const { config } = classifier.model;
    if (canonical(config) !== canonical(model.config))
      throw new Error('Export check failed: the exported file does not read back as the same network.');
    const onnxP = await classifier.predict(X, total);
    const engineP = predictProbabilities(model, X, total);
    let maxDifference = 0;
    let worst = 0;
    for (let i = 0; i < total; i++) {
      const d = Math.abs(onnxP[i] - engineP[i]);
      // NaN (a runtime producing NaN) sticks: it is the worst possible difference.
      if (!(d <= maxDifference) && !Number.isNaN(maxDifference)) {
        maxDifference = d;
        worst = i;
      }
    }
    if (!(maxDifference <= VERIFY_TOLERANCE))
      throw new Error(
        `Export check failed: onnxruntime gives ${onnxP[worst]} where catnet gives ${engineP[worst]} ` +
          `(image ${worst} of ${total}; difference ${maxDifference}, limit ${VERIFY_TOLERANCE}). The model was not saved.`,
      );
    return { maxDifference, images: total };
  } finally {
    await classifier.release();
  }
}

/** The architecture as text, independent of key order and of `features` absent vs empty. */
function canonical(c: NetworkConfig): string {
  const features = (c.features ?? []).map((f) =>
    f.kind === 'pool' ? ['pool'] : ['conv', f.filters, f.size, f.activation],
  );
  return JSON.stringify([features, c.layerDims, c.activations]);
}
