// The native kernels: loads the C addon (binding.gyp, src-core/native) the node-gyp-build way
// (build/Release or prebuilds/) and wraps it in the Kernels contract. Every method checks its
// arguments here (integer sizes, array types, lengths against the sizes) so a bad call is a clear JS
// error before it reaches C; the addon checks again and never touches memory outside the arrays.

import { createRequire } from 'node:module';
import type { Activation } from '../nn/model.js';
import { appRoot } from '../paths.js';
import type { BackendInfo, Isa, KernelActivation, Kernels } from './kernels.js';

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

/** The addon, loaded once per thread; throws (with node-gyp-build's message) when it is not built. */
export function loadAddon(): Addon {
  if (!addon) {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
    addon = nodeGypBuild(appRoot()) as Addon;
  }
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

function array(method: string, name: string, a: unknown, need: number, shape: string, bytes = false): void {
  if (bytes ? !(a instanceof Uint8Array) : !(a instanceof Float32Array))
    throw new TypeError(`${method}: ${name} must be a ${bytes ? 'Uint8Array' : 'Float32Array'}`);
  const length = (a as Float32Array | Uint8Array).length;
  if (length < need)
    throw new RangeError(
      `${method}: ${name} has ${length} values but ${shape} needs ${need}; pass a larger array or smaller sizes`,
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
      array(me, 'A', A, M * K, transA ? `A (K=${K}, M=${M})` : `A (M=${M}, K=${K})`);
      array(me, 'B', B, K * N, transB ? `B (N=${N}, K=${K})` : `B (K=${K}, N=${N})`);
      array(me, 'C', C, M * N, `C (M=${M}, N=${N})`);
      a.gemm(transA === true, transB === true, M, N, K, alpha, A, B, beta, C);
    },

    gemmU8(transB, M, N, K, alpha, A, B, beta, C) {
      const me = 'gemmU8';
      size(me, 'M', M);
      size(me, 'N', N);
      size(me, 'K', K);
      number(me, 'alpha', alpha);
      number(me, 'beta', beta);
      array(me, 'A', A, M * K, `A (M=${M}, K=${K})`);
      array(me, 'B', B, K * N, transB ? `B (N=${N}, K=${K})` : `B (K=${K}, N=${N})`, true);
      array(me, 'C', C, M * N, `C (M=${M}, N=${N})`);
      a.gemmU8(transB === true, M, N, K, alpha, A, B, beta, C);
    },

    biasActivation(kind, Z, A, b, n, m) {
      const me = 'biasActivation';
      const code = activation(me, kind, true);
      size(me, 'n', n);
      size(me, 'm', m);
      array(me, 'Z', Z, n * m, `Z (n=${n}, m=${m})`);
      array(me, 'A', A, n * m, `A (n=${n}, m=${m})`);
      array(me, 'b', b, n, `b (n=${n}, 1)`);
      a.biasActivation(code, Z, A, b, n, m);
    },

    activationBackward(kind: Activation, dZ, dA, Z, A, count) {
      const me = 'activationBackward';
      const code = activation(me, kind, false);
      size(me, 'size', count);
      array(me, 'dZ', dZ, count, `size=${count}`);
      array(me, 'dA', dA, count, `size=${count}`);
      array(me, 'Z', Z, count, `size=${count}`);
      array(me, 'A', A, count, `size=${count}`);
      a.activationBackward(code, dZ, dA, Z, A, count);
    },

    rowSum(out, X, n, m, scale) {
      const me = 'rowSum';
      size(me, 'n', n);
      size(me, 'm', m);
      number(me, 'scale', scale);
      array(me, 'out', out, n, `out (n=${n})`);
      array(me, 'X', X, n * m, `X (n=${n}, m=${m})`);
      a.rowSum(out, X, n, m, scale);
    },

    sigmoidCrossEntropy(Z, Y, m, A, dZ) {
      const me = 'sigmoidCrossEntropy';
      size(me, 'm', m);
      array(me, 'Z', Z, m, `Z (1, m=${m})`);
      array(me, 'Y', Y, m, `Y (1, m=${m})`);
      if (A) array(me, 'A', A, m, `A (1, m=${m})`);
      if (dZ) array(me, 'dZ', dZ, m, `dZ (1, m=${m})`);
      return a.sigmoidCrossEntropy(Z, Y, m, A ?? null, dZ ?? null);
    },

    axpy(y, x, alpha, count) {
      const me = 'axpy';
      size(me, 'size', count);
      number(me, 'alpha', alpha);
      array(me, 'y', y, count, `size=${count}`);
      array(me, 'x', x, count, `size=${count}`);
      a.axpy(y, x, alpha, count);
    },

    momentumStep(p, g, v, lr, beta, count) {
      const me = 'momentumStep';
      size(me, 'size', count);
      number(me, 'lr', lr);
      number(me, 'beta', beta);
      array(me, 'p', p, count, `size=${count}`);
      array(me, 'g', g, count, `size=${count}`);
      if (beta !== 0) array(me, 'v', v, count, `size=${count} (momentum beta != 0)`);
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
      array(me, 'p', p, count, `size=${count}`);
      array(me, 'g', g, count, `size=${count}`);
      array(me, 'v', v, count, `size=${count}`);
      array(me, 's', s, count, `size=${count}`);
      a.adamStep(p, g, v, s, lr, b1, b2, c1, c2, eps, count);
    },
  };
}
