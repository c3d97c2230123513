// A network is a list of layers: an optional convolutional body (conv, max-pool) on the image, flatten,
// then the course's dense layers [n_0, n1, ..., 1]. Forward propagation fills the caches, the
// cross-entropy cost comes from the logits, backward propagation fills the gradients; all numerics go
// through a Kernels backend. Memory is allocated once, for at most `maxBatch` examples per pass.
//
// Shapes (course notation, row-major):
//   X        the dataset's bytes (m, h, w, 3) = (m, n_x) HWC; X = pixels / 255 is never built
//   conv     W (c_out, c_in, k, k) b (c_out)   Z, A (m, c_out, h, w)        (layers/conv.ts)
//   pool     A (m, c, h/2, w/2)                                              (layers/pool.ts)
//   flatten  A (m, n_0), the body's last A, no copy                         (layers/flatten.ts)
//   dense    W[l] (n[l], n[l-1]) b[l] (n[l], 1) Z[l], A[l] (n[l], m)        (layers/dense.ts)
//   A[L] = sigmoid(Z[L]) = Yhat (1, m)
// Slabs: parameters and gradients (conv layers, then dense, forward order), caches, and two backward
// buffers (allocated on the first backward pass) that dZ and dA alternate between.

import type { Kernels } from '../kernels/kernels.js';
import { chunks } from './chunks.js';
import { validateConfig } from './config.js';
import { Conv } from './layers/conv.js';
import { Dense } from './layers/dense.js';
import { Flatten } from './layers/flatten.js';
import { type BackwardStep, type Layer, type LayerInput, type Shape, size } from './layers/layer.js';
import { Pool } from './layers/pool.js';
import { backwardBufferFloats } from './memory.js';
import type { NetworkConfig, Parameters } from './model.js';
import { parameterLayout, parameterViews } from './parameters.js';
import { IMAGE_SHAPE, layerSummary } from './shapes.js';
import { Slab } from './slab.js';

export interface Gradients {
  dW: Float32Array[];
  db: Float32Array[];
  dConvW?: Float32Array[];
  dConvB?: Float32Array[];
}

/** One conv or pool layer's output after a forward pass, for showing feature maps. */
export interface FeatureMap {
  kind: 'conv' | 'pool';
  shape: Shape;
  /** A (m, c, h, w) of the last pass (a view: valid until the next pass). */
  A: Float32Array;
}

export class Network {
  readonly config: NetworkConfig;
  readonly layerDims: readonly number[];
  /** L: number of dense layers (hidden layers + output). */
  readonly L: number;
  readonly maxBatch: number;
  /** The input image (c, h, w); bytes per example = n_x for a dense-only net. */
  readonly image: Shape;
  /** Bytes per example read from X. */
  readonly inputSize: number;
  /** Every parameter, conv layers then dense layers; `params` holds views into it. */
  readonly paramSlab: Float32Array;
  readonly params: Parameters;
  /** Same layout as paramSlab. */
  readonly gradSlab: Float32Array;
  readonly grads: Gradients;
  /** In forward order: conv/pool ..., flatten, dense ..., the output dense layer. */
  readonly layers: readonly Layer[];

  private readonly kernels: Kernels;
  private readonly output: Dense;
  /** Floats in each backward buffer: the largest per-example dA (and the image, for a conv body) x maxBatch. */
  private readonly scratchSize: number;
  private readonly cacheBytes: number;
  private dZbuf: Float32Array | null = null;
  private dAbuf: Float32Array | null = null;
  private readonly step: BackwardStep = { lambda: 0, weights: true, input: true };
  /** Examples in the last forward pass. */
  private m = 0;

  constructor(config: NetworkConfig, maxBatch: number, kernels: Kernels, image: Shape = IMAGE_SHAPE) {
    validateConfig(config, image);
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new Error(`network: batch size must be >= 1, got ${maxBatch}`);
    this.config = config;
    this.layerDims = config.layerDims;
    this.L = config.layerDims.length - 1;
    this.maxBatch = maxBatch;
    this.kernels = kernels;
    this.image = image;
    const features = config.features ?? [];
    this.inputSize = features.length ? size(image) : config.layerDims[0];

    const paramCount = parameterLayout(config, image).reduce((sum, p) => sum + p.size, 0);
    this.paramSlab = new Float32Array(paramCount);
    this.gradSlab = new Float32Array(paramCount);
    const cachePerExample = layerSummary(config, image).reduce((sum, row) => sum + row.cachePerExample, 0);
    const [params, grads] = [new Slab(this.paramSlab), new Slab(this.gradSlab)];
    const caches = new Slab(new Float32Array(cachePerExample * maxBatch));

    const layers: Layer[] = [];
    let shape = image;
    for (const f of features) {
      const first = layers.length === 0;
      const layer =
        f.kind === 'conv'
          ? new Conv(shape, f.filters, f.size, f.activation, first, params, grads, caches, maxBatch)
          : new Pool(shape, caches, maxBatch);
      layers.push(layer);
      shape = layer.outShape;
    }
    if (features.length) layers.push(new Flatten(shape, layers[layers.length - 1].A));
    const dims = config.layerDims;
    for (let l = 1; l <= this.L; l++) {
      const input = l > 1 ? 'columns' : features.length ? 'rows' : 'bytes';
      const g = config.activations[l - 1];
      layers.push(new Dense(dims[l], dims[l - 1], g, input, params, grads, caches, maxBatch));
    }
    this.layers = layers;
    this.output = layers[layers.length - 1] as Dense;

    this.params = parameterViews(this.paramSlab, config, image);
    const g = parameterViews(this.gradSlab, config, image);
    this.grads = { dW: g.W, db: g.b };
    if (g.convW) Object.assign(this.grads, { dConvW: g.convW, dConvB: g.convB });
    this.scratchSize = backwardBufferFloats(config, maxBatch, image);
    this.cacheBytes = caches.data.byteLength;
  }

  /** Bytes this network has allocated so far, by purpose (the backward buffers once backward has run). */
  memoryBytes(): { params: number; grads: number; caches: number; backward: number } {
    const backward = (this.dZbuf?.byteLength ?? 0) + (this.dAbuf?.byteLength ?? 0);
    return { params: this.paramSlab.byteLength, grads: this.gradSlab.byteLength, caches: this.cacheBytes, backward };
  }

  /** Copies parameters in (shapes must match the config). */
  setParameters(params: Parameters): void {
    const pairs: [Float32Array[] | undefined, Float32Array[] | undefined, string][] = [
      [params.convW, this.params.convW, 'conv layer'],
      [params.convB, this.params.convB, 'conv layer'],
      [params.W, this.params.W, 'layer'],
      [params.b, this.params.b, 'layer'],
    ];
    for (const [from, to, what] of pairs) {
      for (let i = 0; i < (to?.length ?? 0); i++) {
        if (from?.[i]?.length !== to![i].length) {
          throw new Error(
            `network: parameters of ${what} ${what === 'layer' ? i + 1 : i} have the wrong size (${from?.[i]?.length} values; expected ${to![i].length})`,
          );
        }
      }
    }
    for (const [from, to] of pairs) for (let i = 0; i < (to?.length ?? 0); i++) to![i].set(from![i]);
  }

  /** A copy of the parameters that does not alias the slab. */
  copyParameters(): Parameters {
    return parameterViews(this.paramSlab.slice(), this.config, this.image);
  }

  /** A[L] = Yhat (1, m) of the last forward pass (a view: valid until the next pass). */
  probabilities(): Float32Array {
    return this.output.A.subarray(0, this.m);
  }

  /** Forward propagation through every layer; A[L] = sigmoid(Z[L]). Returns A[L] (view). */
  forward(X: Uint8Array, m: number): Float32Array {
    this.forwardLinear(X, m);
    this.output.activate(this.kernels, m);
    return this.probabilities();
  }

  /**
   * Forward propagation and the cost
   *   J = (1/m) sum_i L(A[L]_i, Y_i) + (lambda / 2m) sum ||W||^2,  L(a, y) = -y log a - (1 - y) log(1 - a),
   * (the sum over every dense and conv weight), computed from the logits Z[L] so it stays finite.
   * Leaves dZ[L] = A[L] - Y ready for `backward`. Y: (1, m) labels 0/1 as floats.
   */
  forwardCost(X: Uint8Array, Y: Float32Array, m: number, lambda = 0): number {
    this.forwardLinear(X, m);
    const out = this.output;
    const ZL = out.Z.subarray(0, m);
    this.kernels.biasActivation('identity', ZL, ZL, out.b, 1, m);
    const dZ = this.buffers()[0].subarray(0, m);
    const loss = this.kernels.sigmoidCrossEntropy(ZL, Y, m, out.A.subarray(0, m), dZ);
    return loss / m + this.l2Cost(lambda, m);
  }

  /** The L2 term of the cost: (lambda / 2m) times the sum of squares of every W (dense and conv). */
  l2Cost(lambda: number, m: number): number {
    if (lambda === 0) return 0;
    let squares = 0;
    for (const list of [this.params.convW ?? [], this.params.W])
      for (const W of list) for (let i = 0; i < W.length; i++) squares += W[i] * W[i];
    return (lambda / (2 * m)) * squares;
  }

  /**
   * Backward propagation after `forwardCost` on the same X, m: from dZ[L], each layer in reverse
   * computes its dW, db (+ (lambda/m) W) and hands dA_prev to the layer before it. The first layer
   * reads X as bytes and stops there: dA[0] is never formed.
   */
  backward(X: Uint8Array, m: number, lambda = 0): void {
    if (m !== this.m) throw new Error(`network: backward on ${m} examples after a forward pass on ${this.m}`);
    this.step.lambda = lambda;
    this.step.weights = true;
    this.propagateBack(X, m, false);
  }

  /**
   * d Yhat_i / d x_i for each example, x = pixels / 255: out (m, n_x) in the dataset's HWC order.
   * One forward pass and one backward pass down to the input; the parameter gradients are left
   * alone, the caches overwritten.
   */
  inputGradient(X: Uint8Array, m: number, out: Float32Array): void {
    if (out.length < m * this.inputSize) {
      throw new Error(`network: input gradient of ${m} examples needs ${m * this.inputSize} floats, got ${out.length}`);
    }
    const A = this.forward(X, m);
    const dZ = this.buffers()[0];
    for (let i = 0; i < m; i++) dZ[i] = A[i] * (1 - A[i]); // dYhat / dZ[L] = sigmoid'
    this.step.lambda = 0;
    this.step.weights = false;
    const dX = this.propagateBack(X, m, true, out);
    if (dX === out || dX === null) return;
    // A conv first layer gave dA[0] (m, c, h, w); reorder to the bytes' (m, h, w, c).
    const { c, h, w } = this.image;
    for (let i = 0; i < m; i++)
      for (let ch = 0; ch < c; ch++)
        for (let p = 0; p < h * w; p++) out[(i * h * w + p) * c + ch] = dX[(i * c + ch) * h * w + p];
  }

  /** The conv and pool layers' outputs of the last forward pass. */
  featureMaps(): FeatureMap[] {
    const maps: FeatureMap[] = [];
    for (const layer of this.layers) {
      if (layer.kind === 'conv' || layer.kind === 'pool')
        maps.push({ kind: layer.kind, shape: layer.outShape, A: layer.A.subarray(0, this.m * size(layer.outShape)) });
    }
    return maps;
  }

  /**
   * The mean cross-entropy (without the L2 term) over any number of examples, in chunks of maxBatch;
   * writes A[L] into `out` (m) when given. Overwrites the caches: not between forwardCost and backward.
   */
  datasetCost(X: Uint8Array, Y: Float32Array, m: number, out?: Float32Array): number {
    const n = this.inputSize;
    let total = 0;
    for (const [start, mc] of chunks(m, this.maxBatch)) {
      total += this.forwardCost(X.subarray(start * n, (start + mc) * n), Y.subarray(start, start + mc), mc) * mc;
      out?.set(this.probabilities(), start);
    }
    return m > 0 ? total / m : 0;
  }

  /** A[L] for any number of examples, in chunks of maxBatch, into `out` (m). Overwrites the caches. */
  predictInto(X: Uint8Array, m: number, out: Float32Array): void {
    const n = this.inputSize;
    for (const [start, mc] of chunks(m, this.maxBatch))
      out.set(this.forward(X.subarray(start * n, (start + mc) * n), mc), start);
  }

  /** The two backward buffers [dZ-first, dA-first], allocated on first use. */
  private buffers(): [Float32Array, Float32Array] {
    this.dZbuf ??= new Float32Array(this.scratchSize);
    this.dAbuf ??= new Float32Array(this.scratchSize);
    return [this.dZbuf, this.dAbuf];
  }

  /**
   * From dZ[L] (in the first buffer) down the layers with this.step; `toInput` also forms dA[0]
   * (into `out` for a dense first layer). Returns the buffer holding dA[0], or null.
   */
  private propagateBack(X: Uint8Array, m: number, toInput: boolean, out?: Float32Array): Float32Array | null {
    const k = this.kernels;
    const layers = this.layers;
    const last = layers.length - 1;
    const inputOf = (i: number): LayerInput => (i === 0 ? X : layers[i - 1].A);
    let [spare, dA] = this.buffers();
    this.step.input = last > 0 || toInput;
    let result = this.output.backwardLinear(k, inputOf(last), spare, last === 0 && out ? out : dA, m, this.step);
    for (let i = last - 1; i >= 0; i--) {
      this.step.input = i > 0 || toInput;
      const layer = layers[i];
      result =
        i === 0 && out && layer instanceof Dense
          ? layer.backward(k, X, dA, spare, m, this.step, out)
          : layer.backward(k, inputOf(i), dA, spare, m, this.step);
      if (result === spare) [dA, spare] = [spare, dA];
    }
    return result;
  }

  /** Every layer's forward, and Z[L] = W[L] A[L-1] without its bias yet. */
  private forwardLinear(X: Uint8Array, m: number): void {
    if (!Number.isInteger(m) || m < 1 || m > this.maxBatch) {
      throw new Error(`network: batch of ${m} examples; this network holds 1 to ${this.maxBatch}`);
    }
    const n = this.inputSize;
    if (X.length < m * n) throw new Error(`network: ${m} examples need ${m * n} bytes, got ${X.length}`);
    this.m = m;
    const k = this.kernels;
    let input: LayerInput = X;
    for (const layer of this.layers) {
      if (layer === this.output) this.output.linear(k, input, m);
      else layer.forward(k, input, m);
      input = layer.A;
    }
  }
}
