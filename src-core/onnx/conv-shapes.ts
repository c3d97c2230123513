// The convolutional body's maps as the model file needs them: every map from the image on (the
// engine's featureShapes, with the image in front), and the limit on computation that keeps a file
// from asking onnxruntime for absurd time (the engine's own limits bound filters, sizes and layers).

import type { NetworkConfig } from '../nn/model.js';
import { featureShapes, IMAGE_SHAPE, type Shape } from '../nn/shapes.js';

/** Largest computation per image through the body: 2^30 multiply-adds (about a second in onnxruntime here). */
export const MAX_BODY_MACS = 2 ** 30;

/** shapes[0] = the image (3, 64, 64); shapes[i + 1] after features[i]. */
export function bodyShapes(config: NetworkConfig): Shape[] {
  return [IMAGE_SHAPE, ...featureShapes(config.features ?? [])];
}

export function mapSize(s: Shape): number {
  return s.c * s.h * s.w;
}

/** The most float values one image occupies at any point of the network (body maps, dense layers, bytes). */
export function largestPerImage(config: NetworkConfig): number {
  return Math.max(...bodyShapes(config).map(mapSize), ...config.layerDims);
}
