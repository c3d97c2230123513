// How much memory training a network takes, before anything is allocated: the trainer refuses
// settings that would not fit and suggests a batch size that does. Counts exactly what Network
// allocates (parameters, gradients, caches, backward buffers) plus what training adds around it.

import type { Shape } from './layers/layer.js';
import type { NetworkConfig } from './model.js';
import { IMAGE_SHAPE, layerSummary } from './shapes.js';

const FLOAT = 4;

/** What training needs besides the network itself. */
export interface TrainingMemoryOptions {
  /** Extra copies of the parameters kept by the optimiser: gradient descent 0, momentum 1, Adam 2. */
  optimizerCopies?: number;
  /** Parameter snapshots the trainer keeps (e.g. the last good and the best parameters). Default 0. */
  parameterSnapshots?: number;
  /** A mini-batch gathered into its own buffer: maxBatch images of bytes and maxBatch float labels. Default true. */
  gatheredBatch?: boolean;
  image?: Shape;
}

/** Bytes by purpose; `total` is their sum. */
export interface TrainingMemory {
  params: number;
  grads: number;
  optimizer: number;
  snapshots: number;
  /** Z and A of every layer for maxBatch examples. */
  caches: number;
  /** The two backward buffers dZ and dA alternate between. */
  backward: number;
  /** The gathered mini-batch (bytes and labels). */
  batch: number;
  total: number;
}

/** Floats in each of the two backward buffers: the largest per-example dA (for a conv body, or the image) x maxBatch. */
export function backwardBufferFloats(config: NetworkConfig, maxBatch: number, image: Shape = IMAGE_SHAPE): number {
  const rows = layerSummary(config, image);
  const conv = (config.features ?? []).length > 0;
  const sizes = rows.filter((r) => r.kind !== 'input' || conv).map((r) => r.shape.reduce((a, b) => a * b, 1));
  return Math.max(...sizes) * maxBatch;
}

/** Per-example input bytes: the image for a conv body, layerDims[0] for a dense-only net. */
function inputBytes(config: NetworkConfig, image: Shape): number {
  return config.features?.length ? image.c * image.h * image.w : config.layerDims[0];
}

/** The memory to train `config` with mini-batches of at most `maxBatch` examples. */
export function estimateTrainingBytes(
  config: NetworkConfig,
  maxBatch: number,
  options: TrainingMemoryOptions = {},
): TrainingMemory {
  const image = options.image ?? IMAGE_SHAPE;
  const rows = layerSummary(config, image);
  const paramFloats = rows.reduce((sum, r) => sum + r.params, 0);
  const cacheFloats = rows.reduce((sum, r) => sum + r.cachePerExample, 0) * maxBatch;
  const params = paramFloats * FLOAT;
  const memory = {
    params,
    grads: params,
    optimizer: (options.optimizerCopies ?? 0) * params,
    snapshots: (options.parameterSnapshots ?? 0) * params,
    caches: cacheFloats * FLOAT,
    backward: 2 * backwardBufferFloats(config, maxBatch, image) * FLOAT,
    batch: options.gatheredBatch === false ? 0 : maxBatch * (inputBytes(config, image) + FLOAT),
    total: 0,
  };
  memory.total = Object.values(memory).reduce((a, b) => a + b, 0);
  return memory;
}

/**
 * The largest mini-batch whose training memory fits in `budgetBytes` (0 when even one example does
 * not fit): the estimate is a fixed part plus a part proportional to the batch size.
 */
export function largestBatchWithin(
  config: NetworkConfig,
  budgetBytes: number,
  options: TrainingMemoryOptions = {},
): number {
  const one = estimateTrainingBytes(config, 1, options).total;
  const two = estimateTrainingBytes(config, 2, options).total;
  const perExample = two - one;
  const fixed = one - perExample;
  return Math.max(0, Math.floor((budgetBytes - fixed) / perExample));
}

/** Examples per forward pass when only predicting: as many as fit in `budgetBytes` of caches, 1..cap. */
export function predictionChunk(
  config: NetworkConfig,
  budgetBytes = 64 * 2 ** 20,
  cap = 512,
  image: Shape = IMAGE_SHAPE,
): number {
  const perExample = layerSummary(config, image).reduce((sum, r) => sum + r.cachePerExample, 0) * FLOAT;
  return Math.max(1, Math.min(cap, Math.floor(budgetBytes / perExample)));
}
