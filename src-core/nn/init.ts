// Seeded parameter initialisation. Random W breaks the symmetry between hidden units; b = 0.
// With the same seed and the course's dimensions, 'small' and 'course' draw exactly the course's
// NumPy numbers (np.random.seed(seed); randn(n[l], n[l-1]) layer after layer, row-major).

import type { Parameters } from './model.js';
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
 * Fills W[l] = randn(n[l], n[l-1]) * scale and b[l] = 0 for l = 1..L into the given arrays
 * (views of the network's parameter slab), drawing in the course's order.
 */
export function initializeParameters(
  params: Parameters,
  layerDims: readonly number[],
  method: InitMethod,
  seed: number,
): void {
  if (!INIT_METHODS.includes(method)) {
    throw new Error(`initialisation "${method}" is not one of ${INIT_METHODS.join(', ')}`);
  }
  const random = new Random(seed);
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
