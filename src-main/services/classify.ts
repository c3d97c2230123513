// One image through the current model: probability, label at the model's threshold, class name, and
// the 64x64 input exactly as the model saw it (PNG data URL).

import { ImageRejected, loadImageFile } from '../../src-core/data/index.js';
import type { Model } from '../../src-core/nn/model.js';
import { predictProbabilities } from '../../src-core/nn/predict.js';
import type { Prediction } from '../contract.js';
import { requireFullPath } from './full-path.js';
import { pngDataUrl } from './library.js';

export async function predictVector(model: Model, vector: Uint8Array): Promise<Prediction> {
  const probability = predictProbabilities(model, vector, 1)[0]!;
  const label: 0 | 1 = probability >= model.threshold ? 1 : 0;
  return {
    probability,
    label,
    className: label === 1 ? model.classNames[0] : model.classNames[1],
    input: await pngDataUrl(vector),
  };
}

/** Loads (decodes and preprocesses) an image, then predicts; a rejected image names its source. */
export async function predictLoaded(model: Model, load: () => Promise<Uint8Array>, name: string): Promise<Prediction> {
  let vector: Uint8Array;
  try {
    vector = await load();
  } catch (error) {
    if (error instanceof ImageRejected) throw new Error(`Cannot classify ${name}: ${error.message}`);
    throw error;
  }
  return predictVector(model, vector);
}

/** Classifies an image file the user chose; a relative path is refused (see full-path.ts). */
export async function predictFile(model: Model, file: string): Promise<Prediction> {
  requireFullPath(file, 'the image file', '/home/me/cat.png');
  return predictLoaded(model, () => loadImageFile(file, { resize: model.resize }), file);
}
