// Small linearly separable training data for engine tests: y = 1 when the first half of the n_x
// byte features outweighs the second half. Seeded with the engine's own generator.
import { Random } from '../../src-core/nn/random.js';
import type { TrainingData } from '../../src-core/train/options.js';

export function separable(m: number, seed: number, n_x: number): TrainingData {
  const r = new Random(seed);
  const X = new Uint8Array(m * n_x);
  const Y = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    let d = 0;
    for (let j = 0; j < n_x; j++) {
      const v = r.below(256);
      X[i * n_x + j] = v;
      d += j < n_x / 2 ? v : -v;
    }
    Y[i] = d > 0 ? 1 : 0;
  }
  return { X, Y, m, n_x };
}
