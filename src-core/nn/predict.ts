// Inference: the probability of the positive class (label 1) for each image, by forward propagation
// in chunks of examples. Allocates its own scratch (once per call); does not touch caches of training.

import type { Kernels } from '../kernels/kernels.js';
import { getKernels } from '../kernels/select.js';
import type { Model } from './model.js';

/** Examples per forward pass: bounds the scratch to CHUNK * max(n[l]) floats per layer. */
const CHUNK = 512;

/**
 * pixels: (m, n_x) row-major bytes (one unrolled HWC image per row); returns A[L] (m) in [0, 1].
 * X = pixels / 255 is never materialised: layer 1 reads the bytes through gemmU8 with alpha = 1/255.
 */
export function predictProbabilities(
  model: Model,
  pixels: Uint8Array,
  m: number,
  kernels: Kernels = getKernels(),
): Float32Array {
  const { layerDims, activations } = model.config;
  const { W, b } = model.params;
  const L = layerDims.length - 1;
  const n_x = layerDims[0];
  if (pixels.length < m * n_x) {
    throw new Error(`predictProbabilities: ${m} examples need ${m * n_x} pixel bytes, got ${pixels.length}`);
  }
  if (layerDims[L] !== 1)
    throw new Error(`predictProbabilities: the output layer must have 1 unit, got ${layerDims[L]}`);

  const out = new Float32Array(m);
  const maxUnits = Math.max(...layerDims.slice(1));
  const chunk = Math.min(CHUNK, Math.max(m, 1));
  // Z[l] (n[l], mc) scratch, and two ping-pong buffers for A[l-1] (read) and A[l] (written).
  const Zbuf = new Float32Array(maxUnits * chunk);
  let Aprev = new Float32Array(maxUnits * chunk);
  let Anext = new Float32Array(maxUnits * chunk);

  for (let start = 0; start < m; start += chunk) {
    const mc = Math.min(chunk, m - start);
    const X = pixels.subarray(start * n_x, (start + mc) * n_x); // (mc, n_x) bytes
    for (let l = 1; l <= L; l++) {
      const n = layerDims[l];
      const Zl = Zbuf.subarray(0, n * mc);
      if (l === 1) {
        // Z1 (n1, mc) = W1 (n1, n_x) . X, with X stored transposed as bytes (mc, n_x)
        kernels.gemmU8(true, n, mc, n_x, 1 / 255, W[0], X, 0, Zl);
      } else {
        kernels.gemm(
          false,
          false,
          n,
          mc,
          layerDims[l - 1],
          1,
          W[l - 1],
          Aprev.subarray(0, layerDims[l - 1] * mc),
          0,
          Zl,
        );
      }
      kernels.biasActivation(activations[l - 1], Zl, Anext.subarray(0, n * mc), b[l - 1], n, mc);
      [Aprev, Anext] = [Anext, Aprev];
    }
    out.set(Aprev.subarray(0, mc), start);
  }
  return out;
}
