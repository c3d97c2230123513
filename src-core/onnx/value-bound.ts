// A static guarantee that a model's forward pass stays finite: finite weights are not enough (weights
// of 1e38 overflow float32 to Inf, and Inf - Inf is NaN, which a sigmoid passes on as a NaN
// "probability"). The inputs are in [0, 1]; each layer's |Z| is bounded by |b| + sum |W| * (bound of its
// input), an activation maps the bound (sigmoid and tanh to 1, relu and leaky relu keep it), pooling
// keeps it. Every partial sum of a dot product is within the same bound, in any order, in float32 or
// float64. When every bound is far below float32's maximum, no path (onnxruntime, the engine, either
// kernel backend) can produce Inf or NaN.

import type { Activation, Model } from '../nn/model.js';
import { bodyShapes } from './conv-shapes.js';
import { ModelRejected } from './model-error.js';

/** Largest |Z| bound accepted (float32 max is 3.4e38; a trained net's is below 1e4). */
export const MAX_VALUE_BOUND = 1e30;

/** Throws ModelRejected('not-finite') naming the layer whose values could overflow. */
export function checkValueBound(model: Model, file: string): void {
  const features = model.config.features ?? [];
  const shapes = bodyShapes(model.config);
  let bound = 1; // pixels / 255
  let j = 0;
  for (const [i, f] of features.entries()) {
    if (f.kind === 'pool') continue;
    const fanIn = shapes[i].c * f.size * f.size;
    const z = rowBound(model.params.convW![j], model.params.convB![j], f.filters, fanIn, bound);
    check(z, `conv layer ${j + 1}`, file);
    bound = activated(f.activation, z);
    j++;
  }
  const { layerDims, activations } = model.config;
  for (let l = 1; l < layerDims.length; l++) {
    const z = rowBound(model.params.W[l - 1], model.params.b[l - 1], layerDims[l], layerDims[l - 1], bound);
    check(z, `dense layer ${l}`, file);
    bound = activated(activations[l - 1], z);
  }
}

/** max over rows r of |b[r]| + inBound * sum_c |W[r, c]|, W (rows, cols) row-major. */
function rowBound(W: Float32Array, b: Float32Array, rows: number, cols: number, inBound: number): number {
  let max = 0;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.abs(W[r * cols + c]);
    max = Math.max(max, Math.abs(b[r]) + inBound * sum);
  }
  return max;
}

function activated(g: Activation, z: number): number {
  return g === 'sigmoid' || g === 'tanh' ? 1 : z;
}

function check(z: number, layer: string, file: string): void {
  if (!(z <= MAX_VALUE_BOUND))
    throw new ModelRejected(
      'not-finite',
      `${file}: the weights of ${layer} are so large that its values could reach ${z.toPrecision(3)}, ` +
        'beyond what float32 holds: predictions would be Inf or NaN. This is not a trained classifier.',
    );
}
