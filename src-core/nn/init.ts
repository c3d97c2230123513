// Seeded parameter initialisation. Random W breaks the symmetry between hidden units; b = 0.
// With the same seed and the course's dimensions, 'small' and 'course' draw exactly the course's
// NumPy numbers (np.random.seed(seed); randn(n[l], n[l-1]) layer after layer, row-major).
// Convolutional layers draw first (forward order) from the same generator, He-scaled by default.

import type { NetworkConfig, Parameters } from './model.js';
import { Random } from './random.js';

export type InitMethod = 'zeros' | 'small' | 'course' | 'he' | 'xavier';
export const INIT_METHODS: readonly InitMethod[] = ['zeros', 'small', 'course', 'he', 'xavier'];

/**
 * Scale of randn for W[l] given n_prev = n[l-1]:
 * zeros 0 (logistic regression only: hidden units would stay identical), small 0.01 (course, 2-layer),
 * course 1/sqrt(n_prev) (course, L-layer), he sqrt(2/n_prev) (ReLU), xavier sqrt(1/n_prev) (tanh).
 */
export function initScale(method: InitMethod, n_prev: number): number {
  switch (method) {
    case 'zeros':
      return 0;
    case 'small':
      return 0.01;
    case 'course':
      return 1 / Math.sqrt(n_prev);
    case 'he':
      return Math.sqrt(2 / n_prev);
    case 'xavier':
      return Math.sqrt(1 / n_prev);
  }
}

/**
 * Scale of randn for a conv layer's W (c_out, c_in, k, k), fan_in = c_in k k: He, sqrt(2 / fan_in),
 * except 'xavier', sqrt(1 / fan_in). The course's 'small', 'course' and 'zeros' describe dense layers;
 * a conv layer under them is He-initialised (zeros would keep every filter identical).
 */
export function convInitScale(method: InitMethod, fanIn: number): number {
  return method === 'xavier' ? Math.sqrt(1 / fanIn) : Math.sqrt(2 / fanIn);
}

/**
 * Fills the parameters (views of the network's slab) from one generator seeded with `seed`: first
 * each conv layer's W = randn(c_out, c_in, k, k) * convInitScale, b = 0; then W[l] = randn(n[l], n[l-1])
 * * scale and b[l] = 0 for l = 1..L, in the course's order. `config` may be the course's layerDims.
 */
export function initializeParameters(
  params: Parameters,
  config: NetworkConfig | readonly number[],
  method: InitMethod,
  seed: number,
): void {
  if (!INIT_METHODS.includes(method)) {
    throw new Error(`initialisation "${method}" is not one of ${INIT_METHODS.join(', ')}`);
  }
  if (Array.isArray(config) && params.convW?.length) {
    throw new Error(
      'initialisation: these parameters have conv layers but only layerDims was given; pass the NetworkConfig so the filters are initialised',
    );
  }
  const random = new Random(seed);
  const layerDims = Array.isArray(config) ? (config as readonly number[]) : (config as NetworkConfig).layerDims;
  const features = Array.isArray(config) ? [] : ((config as NetworkConfig).features ?? []);
  let conv = 0;
  for (const f of features) {
    if (f.kind !== 'conv') continue;
    const W = params.convW?.[conv];
    const b = params.convB?.[conv];
    if (!W || !b) throw new Error(`initialisation: the parameters have no conv layer ${conv} (convW/convB missing)`);
    const scale = convInitScale(method, W.length / f.filters); // fan_in = c_in k k
    for (let i = 0; i < W.length; i++) W[i] = random.randn() * scale;
    b.fill(0);
    conv++;
  }
  for (let l = 1; l < layerDims.length; l++) {
    // The course computes randn(...) * 0.01 (or / sqrt(n_prev)) in float64, then we store float32.
    const W = params.W[l - 1];
    const n_prev = layerDims[l - 1];
    if (method === 'zeros') W.fill(0);
    else if (method === 'course') for (let i = 0; i < W.length; i++) W[i] = random.randn() / Math.sqrt(n_prev);
    else {
      const scale = initScale(method, n_prev);
      for (let i = 0; i < W.length; i++) W[i] = random.randn() * scale;
    }
    params.b[l - 1].fill(0);
  }
}
