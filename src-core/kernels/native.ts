// The native kernels: loads the C addon (binding.gyp, src-core/native) the node-gyp-build way
// (build/Release or prebuilds/) and wraps it in the Kernels contract. Every method checks its
// arguments here (integer sizes, array types, lengths against the sizes) so a bad call is a clear JS
// error before it reaches C; the addon checks again and never touches memory outside the arrays.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appRoot } from '../paths.js';
import type { Activation } from './activations.js';
import type { BackendInfo, Isa, KernelActivation, Kernels } from './kernels.js';
import * as referenceConv from './reference-conv.js';

/** What the addon reports about itself (src-core/native/addon.c, js_info). */
export interface NativeInfo {
  isa: Exclude<Isa, 'js'>;
  threads: number;
  /** ISAs this CPU and OS can run, best first, e.g. 'avx512,avx2,scalar'. */
  supported: string;
  /** Why the ISA in use is not the one CATNET_ISA asked for ('' when it is). */
  reason: string;
}

interface Addon {
  gemm: Kernels['gemm'];
  gemmU8: Kernels['gemmU8'];
  biasActivation(kind: number, Z: Float32Array, A: Float32Array, b: Float32Array, n: number, m: number): void;
  activationBackward(
    kind: number,
    dZ: Float32Array,
    dA: Float32Array,
    Z: Float32Array,
    A: Float32Array,
    size: number,
  ): void;
  rowSum: Kernels['rowSum'];
  sigmoidCrossEntropy: Kernels['sigmoidCrossEntropy'];
  axpy: Kernels['axpy'];
  momentumStep: Kernels['momentumStep'];
  adamStep: Kernels['adamStep'];
  info(): NativeInfo;
  setIsa(name: string): boolean;
  setThreads(n: number): void;
}

/** Activation codes shared with enum catnet_activation in src-core/native/kernels.h. */
const ACTIVATION_CODE: Record<KernelActivation, number> = {
  identity: 0,
  sigmoid: 1,
  tanh: 2,
  relu: 3,
  leaky_relu: 4,
};

let addon: Addon | undefined;

/**
 * File of the kernels addon: build/Release/catnet_kernels.node from a source build, else
 * node-gyp-build's choice (prebuilds/). Named explicitly because build/Release also holds
 * catnet_jpeg.node, and node-gyp-build would load whichever .node file the directory lists first.
 * Throws (with node-gyp-build's message) when neither exists.
 */
export function kernelsAddonPath(): string {
  const built = join(appRoot(), 'build', 'Release', 'catnet_kernels.node');
  if (existsSync(built)) return built;
  const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as { resolve(dir: string): string };
  return nodeGypBuild.resolve(appRoot());
}

/** The addon, loaded once per thread; throws when it is not built. */
export function loadAddon(): Addon {
  if (!addon) addon = createRequire(import.meta.url)(kernelsAddonPath()) as Addon;
  return addon;
}

/**
 * Test and benchmark hook: switch the instruction set of the whole process (all workers share the
 * addon's state). Returns false, changing nothing, when that ISA cannot run here.
 */
export function setNativeIsa(isa: Exclude<Isa, 'js'>): boolean {
  return loadAddon().setIsa(isa);
}

/** Test and benchmark hook: threads used per kernel call, 1..64, for the whole process. */
export function setNativeThreads(n: number): void {
  size('setNativeThreads', 'n', n);
  loadAddon().setThreads(Math.max(1, n));
}

export function nativeInfo(): NativeInfo {
  return loadAddon().info();
}

function size(method: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${method}: ${name} must be a non-negative integer, got ${value}`);
}

/**
 * Checks the type and length of one array argument. `shape` names the dimensions (e.g. 'A (M, K)');
 * the message is only built when the check fails, so a call allocates nothing here.
 */
function array(
  method: string,
  name: string,
  a: unknown,
  rows: number,
  cols: number,
  shape: string,
  bytes = false,
): void {
  if (bytes ? !(a instanceof Uint8Array) : !(a instanceof Float32Array))
    throw new TypeError(`${method}: ${name} must be a ${bytes ? 'Uint8Array' : 'Float32Array'}`);
  const length = (a as Float32Array | Uint8Array).length;
  if (length < rows * cols)
    throw new RangeError(
      `${method}: ${name} has ${length} values but ${shape} = ${cols === 1 ? rows : `${rows} x ${cols}`} needs ${rows * cols}; pass a larger array or smaller sizes`,
    );
}

function number(method: string, name: string, value: number): void {
  if (typeof value !== 'number') throw new TypeError(`${method}: ${name} must be a number, got ${typeof value}`);
}

function activation(method: string, kind: string, allowIdentity: boolean): number {
  const code = ACTIVATION_CODE[kind as KernelActivation];
  if (code === undefined || (!allowIdentity && code === 0))
    throw new RangeError(`${method}: unknown activation '${kind}'`);
  return code;
}

/** The native Kernels; throws when the addon cannot be loaded (select.ts then uses the reference). */
export function nativeKernels(): Kernels {
  const a = loadAddon();
  return {
    get info(): BackendInfo {
      const n = a.info();
      const info: BackendInfo = { backend: 'native', isa: n.isa, threads: n.threads };
      if (n.reason) info.reason = n.reason;
      return info;
    },

    gemm(transA, transB, M, N, K, alpha, A, B, beta, C) {
      const me = 'gemm';
      size(me, 'M', M);
      size(me, 'N', N);
      size(me, 'K', K);
      number(me, 'alpha', alpha);
      number(me, 'beta', beta);
      if (transA) array(me, 'A', A, K, M, 'A (K, M)');
      else array(me, 'A', A, M, K, 'A (M, K)');
      if (transB) array(me, 'B', B, N, K, 'B (N, K)');
      else array(me, 'B', B, K, N, 'B (K, N)');
      array(me, 'C', C, M, N, 'C (M, N)');
      a.gemm(transA === true, transB === true, M, N, K, alpha, A, B, beta, C);
    },

    gemmU8(transB, M, N, K, alpha, A, B, beta, C) {
      const me = 'gemmU8';
      size(me, 'M', M);
      size(me, 'N', N);
      size(me, 'K', K);
      number(me, 'alpha', alpha);
      number(me, 'beta', beta);
      array(me, 'A', A, M, K, 'A (M, K)');
      if (transB) array(me, 'B', B, N, K, 'B (N, K)', true);
      else array(me, 'B', B, K, N, 'B (K, N)', true);
      array(me, 'C', C, M, N, 'C (M, N)');
      a.gemmU8(transB === true, M, N, K, alpha, A, B, beta, C);
    },

    biasActivation(kind, Z, A, b, n, m) {
      const me = 'biasActivation';
      const code = activation(me, kind, true);
      size(me, 'n', n);
      size(me, 'm', m);
      array(me, 'Z', Z, n, m, 'Z (n, m)');
      array(me, 'A', A, n, m, 'A (n, m)');
      array(me, 'b', b, n, 1, 'b (n, 1)');
      a.biasActivation(code, Z, A, b, n, m);
    },

    activationBackward(kind: Activation, dZ, dA, Z, A, count) {
      const me = 'activationBackward';
      const code = activation(me, kind, false);
      size(me, 'size', count);
      array(me, 'dZ', dZ, count, 1, 'size');
      array(me, 'dA', dA, count, 1, 'size');
      array(me, 'Z', Z, count, 1, 'size');
      array(me, 'A', A, count, 1, 'size');
      a.activationBackward(code, dZ, dA, Z, A, count);
    },

    rowSum(out, X, n, m, scale) {
      const me = 'rowSum';
      size(me, 'n', n);
      size(me, 'm', m);
      number(me, 'scale', scale);
      array(me, 'out', out, n, 1, 'out (n)');
      array(me, 'X', X, n, m, 'X (n, m)');
      a.rowSum(out, X, n, m, scale);
    },

    sigmoidCrossEntropy(Z, Y, m, A, dZ) {
      const me = 'sigmoidCrossEntropy';
      size(me, 'm', m);
      array(me, 'Z', Z, m, 1, 'Z (1, m)');
      array(me, 'Y', Y, m, 1, 'Y (1, m)');
      if (A) array(me, 'A', A, m, 1, 'A (1, m)');
      if (dZ) array(me, 'dZ', dZ, m, 1, 'dZ (1, m)');
      return a.sigmoidCrossEntropy(Z, Y, m, A ?? null, dZ ?? null);
    },

    axpy(y, x, alpha, count) {
      const me = 'axpy';
      size(me, 'size', count);
      number(me, 'alpha', alpha);
      array(me, 'y', y, count, 1, 'size');
      array(me, 'x', x, count, 1, 'size');
      a.axpy(y, x, alpha, count);
    },

    momentumStep(p, g, v, lr, beta, count) {
      const me = 'momentumStep';
      size(me, 'size', count);
      number(me, 'lr', lr);
      number(me, 'beta', beta);
      array(me, 'p', p, count, 1, 'size');
      array(me, 'g', g, count, 1, 'size');
      if (beta !== 0) array(me, 'v', v, count, 1, 'size (v is used when beta != 0)');
      a.momentumStep(p, g, v, lr, beta, count);
    },

    adamStep(p, g, v, s, lr, b1, b2, c1, c2, eps, count) {
      const me = 'adamStep';
      size(me, 'size', count);
      number(me, 'lr', lr);
      number(me, 'b1', b1);
      number(me, 'b2', b2);
      number(me, 'c1', c1);
      number(me, 'c2', c2);
      number(me, 'eps', eps);
      array(me, 'p', p, count, 1, 'size');
      array(me, 'g', g, count, 1, 'size');
      array(me, 'v', v, count, 1, 'size');
      array(me, 's', s, count, 1, 'size');
      a.adamStep(p, g, v, s, lr, b1, b2, c1, c2, eps, count);
    },

    // Convolution and pooling: the reference loops until the addon implements them.
    conv2dForward: referenceConv.conv2dForward,
    conv2dForwardU8: referenceConv.conv2dForwardU8,
    conv2dBackwardData: referenceConv.conv2dBackwardData,
    conv2dBackwardWeights: referenceConv.conv2dBackwardWeights,
    conv2dBackwardWeightsU8: referenceConv.conv2dBackwardWeightsU8,
    maxPool2Forward: referenceConv.maxPool2Forward,
    maxPool2Backward: referenceConv.maxPool2Backward,
  };
}
