// The convolutional body's shapes, as export and import both need them: the (3, 64, 64) image through
// each FeatureSpec in order (conv keeps h and w, "same" padding; 2x2 pool halves them, rounding
// down), and the limits that keep a file from asking onnxruntime for absurd memory or time.

import { IMAGE_CHANNELS, IMAGE_SIZE } from '../image-format.js';
import type { FeatureSpec } from '../nn/model.js';

/** (channels, height, width) of one example's feature map, NCHW without the N. */
export interface MapShape {
  c: number;
  h: number;
  w: number;
}

/** Largest conv kernel read (k x k, k odd); far above the 3 and 5 catnet trains. */
export const MAX_KERNEL_SIZE = 15;
/** Largest feature map per image: 4 M floats (16 MB; 1,024 filters at 64x64). */
export const MAX_MAP_VALUES = 4 * 1024 * 1024;
/** Largest computation per image through the body: 2^30 multiply-adds (a few hundred ms in onnxruntime). */
export const MAX_BODY_MACS = 2 ** 30;

export const IMAGE_MAP: MapShape = { c: IMAGE_CHANNELS, h: IMAGE_SIZE, w: IMAGE_SIZE };

/** The map after one feature layer (c_in = the previous map's channels). */
export function nextShape(s: MapShape, f: FeatureSpec): MapShape {
  return f.kind === 'conv' ? { c: f.filters, h: s.h, w: s.w } : { c: s.c, h: s.h >> 1, w: s.w >> 1 };
}

/** Every map from the image to the body's output: shapes[0] = the image, shapes[i + 1] after features[i]. */
export function bodyShapes(features: readonly FeatureSpec[]): MapShape[] {
  const shapes = [IMAGE_MAP];
  for (const f of features) shapes.push(nextShape(shapes[shapes.length - 1], f));
  return shapes;
}

export function mapSize(s: MapShape): number {
  return s.c * s.h * s.w;
}

/** Multiply-adds of one conv layer for one image: h * w * c_out * c_in * k * k. */
export function convMacs(s: MapShape, filters: number, k: number): number {
  return s.h * s.w * filters * s.c * k * k;
}
