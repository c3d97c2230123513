// A model whose answers are known without running it, and pictures for it: logistic regression that
// says "red" when a picture's red outweighs its blue, and noisy solid-colour PNGs.

import sharp from 'sharp';
import { type Model, N_X } from '../../src-core/nn/model.js';

/** A solid colour with noise (+-30 per channel, seeded), as a w x h PNG. */
export function tinted(rgb: [number, number, number], seed: number, w = 40, h = 30): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  let s = seed;
  for (let i = 0; i < px.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    px[i] = Math.max(0, Math.min(255, rgb[i % 3]! + ((s >>> 24) % 61) - 30));
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

/** Logistic regression, classes ['red', 'blue']: W = 0.002 (r - b) per pixel, b = 0.1. */
export function redVsBlue(): Model {
  const W = new Float32Array(N_X);
  for (let i = 0; i < N_X; i += 3) {
    W[i] = 0.002;
    W[i + 2] = -0.002;
  }
  return {
    config: { layerDims: [N_X, 1], activations: ['sigmoid'] },
    params: { W: [W], b: [new Float32Array([0.1])] },
    classNames: ['red', 'blue'],
    resize: 'cover',
    threshold: 0.5,
    summary: {},
  };
}
