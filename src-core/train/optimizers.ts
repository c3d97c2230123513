// Parameter updates over the whole parameter slab at once (W and b of every layer are contiguous).
// gd: p -= alpha g. momentum: v = beta v + (1 - beta) g; p -= alpha v. Adam: bias-corrected moments.

import type { Kernels } from '../kernels/kernels.js';

export type OptimizerName = 'gd' | 'momentum' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['gd', 'momentum', 'adam'];

export interface Optimizer {
  /** One update of p (size values) from the gradient g with learning rate alpha. */
  step(p: Float32Array, g: Float32Array, alpha: number): void;
}

export interface OptimizerSettings {
  beta: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Allocates the optimizer's state (v, s) once, for `size` parameters. */
export function createOptimizer(name: OptimizerName, size: number, k: Kernels, s: OptimizerSettings): Optimizer {
  switch (name) {
    case 'gd':
      // beta = 0: momentumStep never reads v; g stands in so no state is allocated.
      return { step: (p, g, alpha) => k.momentumStep(p, g, g, alpha, 0, size) };
    case 'momentum': {
      const v = new Float32Array(size);
      return { step: (p, g, alpha) => k.momentumStep(p, g, v, alpha, s.beta, size) };
    }
    case 'adam': {
      const v = new Float32Array(size);
      const sq = new Float32Array(size);
      let t = 0;
      return {
        step: (p, g, alpha) => {
          t++;
          k.adamStep(p, g, v, sq, alpha, s.beta1, s.beta2, 1 - s.beta1 ** t, 1 - s.beta2 ** t, s.epsilon, size);
        },
      };
    }
  }
}
