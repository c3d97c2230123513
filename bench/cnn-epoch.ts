// One training epoch of the small CNN of the convolutional-nets table through the engine itself
// (nn/Network, train/Augmenter, train/optimizers), making the calls train() makes per mini-batch:
// gather the shuffled examples, augment (random flip, random shift of up to 4 px with reflect
// padding), forwardCost, backward, one Adam step over the parameter slab. The net: conv3x3 16 (on
// the image bytes), pool, conv 32, pool, conv 64, pool, dense 64 (ReLU), 1: `c16,p,c32,p,c64,p,64`.
// The same net and schedule as bench/peers/conv_torch.py.

import type { Kernels } from '../src-core/kernels/kernels.js';
import { initializeParameters } from '../src-core/nn/init.js';
import { Network } from '../src-core/nn/network.js';
import { Random, shuffleInPlace } from '../src-core/nn/random.js';
import { parseLayers } from '../src-core/nn/spec.js';
import { Augmenter } from '../src-core/train/augment.js';
import { createOptimizer } from '../src-core/train/optimizers.js';

/** The table's CNN in the --layers notation. */
export const CNN_LAYERS = 'c16,p,c32,p,c64,p,64';
const IMAGE = 64;
const N_X = IMAGE * IMAGE * 3;
const CHANNELS = [3, 16, 32, 64];
const HIDDEN = 64;

/** The engine's CNN for batches of `m`, with Adam and augmentation; `epoch` trains once over the images. */
export function cnnTrainer(k: Kernels, m: number, seed = 1) {
  const config = parseLayers(CNN_LAYERS, 'relu');
  const net = new Network(config, m, k);
  initializeParameters(net.params, config, 'he', seed);
  const adam = createOptimizer('adam', net.paramSlab.length, k, { beta: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  const augmenter = new Augmenter({ flip: true, shift: 4 }, N_X, seed);
  const random = new Random(seed);
  const X = new Uint8Array(m * N_X);
  const Y = new Float32Array(m);

  /** One epoch over `pixels` (n images, HWC bytes); returns the mean cost of its batches. */
  function epoch(pixels: Uint8Array, labels: Float32Array, n: number, lr = 1e-3): number {
    const order = Array.from({ length: n }, (_, i) => i);
    shuffleInPlace(order, (k) => random.below(k));
    let cost = 0;
    let batches = 0;
    for (let start = 0; start + m <= n; start += m, batches++) {
      for (let i = 0; i < m; i++) {
        const src = order[start + i];
        X.set(pixels.subarray(src * N_X, (src + 1) * N_X), i * N_X);
        Y[i] = labels[src];
      }
      augmenter.apply(X, m);
      cost += net.forwardCost(X, Y, m);
      net.backward(X, m);
      adam.step(net.paramSlab, net.gradSlab, lr);
    }
    return cost / batches;
  }

  return { net, epoch };
}

/** Multiply-adds x 2 of one example's forward + backward pass (no backward data for the first conv). */
export function cnnFlopPerExample(): number {
  let flop = 0;
  let side = IMAGE;
  for (let l = 1; l < CHANNELS.length; l++) {
    const macs = side * side * CHANNELS[l] * CHANNELS[l - 1] * 9;
    flop += 2 * macs * (l === 1 ? 2 : 3);
    side /= 2;
  }
  const dense = side * side * CHANNELS[3] * HIDDEN + HIDDEN;
  return flop + 2 * dense * 3;
}

/** Seeded xorshift32 in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** `n` deterministic 64x64x3 images (smooth random blobs, class-dependent brightness) and labels. */
export function syntheticImages(n: number, seed = 7): { pixels: Uint8Array; labels: Float32Array } {
  const r = stream(seed);
  const pixels = new Uint8Array(n * IMAGE * IMAGE * 3);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = r() < 0.5 ? 1 : 0;
    const [fx, fy, base] = [1 + 4 * r(), 1 + 4 * r(), labels[i] ? 150 : 100];
    for (let p = 0; p < IMAGE * IMAGE * 3; p++) {
      const x = (p / 3) % IMAGE;
      const y = Math.floor(p / 3 / IMAGE);
      pixels[i * IMAGE * IMAGE * 3 + p] = Math.max(
        0,
        Math.min(255, base + 60 * Math.sin(fx * x * 0.1 + fy * y * 0.1) + 40 * r()),
      );
    }
  }
  return { pixels, labels };
}
