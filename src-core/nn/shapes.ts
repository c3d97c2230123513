// The shape of every layer of a network, and its parameter count: for validation, for the memory
// estimate, for `catnet inspect` and the app. Pure arithmetic on the config; nothing is allocated.

import { IMAGE_CHANNELS, IMAGE_SIZE } from '../image-format.js';
import type { Shape } from './layers/layer.js';
import type { Activation, FeatureSpec, NetworkConfig } from './model.js';

export type { Shape } from './layers/layer.js';

/** The dataset's images as the network sees them: (3, 64, 64). */
export const IMAGE_SHAPE: Shape = { c: IMAGE_CHANNELS, h: IMAGE_SIZE, w: IMAGE_SIZE };

/** One row of a network's summary. */
export interface LayerSummary {
  kind: 'input' | 'conv' | 'pool' | 'flatten' | 'dense';
  /** For people: "conv 3x3, 16 filters, relu". */
  label: string;
  /** Per-example output shape: [c, h, w] in the body, [n] from flatten on. */
  shape: number[];
  params: number;
  /** Floats cached per example by forward propagation (Z and A; A only for pooling; 0 for views). */
  cachePerExample: number;
  activation?: Activation;
}

/** A feature layer in the layers text: "p", "c16", "c16k5". */
export function featureText(spec: FeatureSpec): string {
  return spec.kind === 'pool' ? 'p' : `c${spec.filters}${spec.size === 3 ? '' : `k${spec.size}`}`;
}

/** The item of the layers text a feature came from: "layer item 3 (p)". */
export function featureItem(spec: FeatureSpec, index: number): string {
  return `layer item ${index + 1} (${featureText(spec)})`;
}

/** The (c, h, w) after each feature layer; throws naming the item when a pool has nothing to halve. */
export function featureShapes(features: readonly FeatureSpec[], image: Shape = IMAGE_SHAPE): Shape[] {
  const shapes: Shape[] = [];
  let s = image;
  features.forEach((f, i) => {
    if (f.kind === 'pool') {
      if (s.h < 2 || s.w < 2) {
        throw new Error(
          `network: ${featureItem(f, i)} pools a ${s.h}x${s.w} map, which has no 2x2 window; remove a pooling layer or add it earlier`,
        );
      }
      s = { c: s.c, h: Math.floor(s.h / 2), w: Math.floor(s.w / 2) };
    } else s = { c: f.filters, h: s.h, w: s.w };
    shapes.push(s);
  });
  return shapes;
}

/** n_0: the values per example the dense layers read (C * H * W of the body's output, or the image). */
export function denseInputSize(features: readonly FeatureSpec[] | undefined, image: Shape = IMAGE_SHAPE): number {
  const shapes = featureShapes(features ?? [], image);
  const last = shapes.length ? shapes[shapes.length - 1] : image;
  return last.c * last.h * last.w;
}

/** Every layer from the input to the output unit, with shapes and parameter counts. */
export function layerSummary(config: NetworkConfig, image: Shape = IMAGE_SHAPE): LayerSummary[] {
  const features = config.features ?? [];
  const rows: LayerSummary[] = [];
  if (features.length) {
    rows.push({ kind: 'input', label: 'image', shape: [image.c, image.h, image.w], params: 0, cachePerExample: 0 });
  } else {
    rows.push({ kind: 'input', label: 'image, unrolled', shape: [config.layerDims[0]], params: 0, cachePerExample: 0 });
  }
  const shapes = featureShapes(features, image);
  let prev = image;
  features.forEach((f, i) => {
    const s = shapes[i];
    const shape = [s.c, s.h, s.w];
    const size = s.c * s.h * s.w;
    if (f.kind === 'pool') rows.push({ kind: 'pool', label: 'max-pool 2x2', shape, params: 0, cachePerExample: size });
    else {
      rows.push({
        kind: 'conv',
        label: `conv ${f.size}x${f.size}, ${f.filters} filters, ${f.activation}`,
        shape,
        params: f.filters * prev.c * f.size * f.size + f.filters,
        cachePerExample: 2 * size,
        activation: f.activation,
      });
    }
    prev = s;
  });
  if (features.length) {
    rows.push({ kind: 'flatten', label: 'flatten', shape: [prev.c * prev.h * prev.w], params: 0, cachePerExample: 0 });
  }
  const dims = config.layerDims;
  for (let l = 1; l < dims.length; l++) {
    const g = config.activations[l - 1];
    rows.push({
      kind: 'dense',
      label: `dense ${dims[l]}, ${g}`,
      shape: [dims[l]],
      params: dims[l] * dims[l - 1] + dims[l],
      cachePerExample: 2 * dims[l],
      activation: g,
    });
  }
  return rows;
}
