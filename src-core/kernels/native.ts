// The native kernels: loads the C addon (binding.gyp, src-core/native) the node-gyp-build way
// (build/Release or prebuilds/) and wraps it in the Kernels contract. Every method checks its
// arguments here (integer sizes, array types, lengths against the sizes) so a bad call is a clear JS
// error before it reaches C; the addon checks again and never touches memory outside the arrays.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appRoot } from '../paths.js';
import type { Activation } from './activations.js';
import type { BackendInfo, ConvShape, Isa, KernelActivation, Kernels } from './kernels.js';

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
  conv2dForward(
    kind: number,
    Z: Float32Array,
    A: Float32Array,
    Aprev: Float32Array,
    W: Float32Array,
    b: Float32Array,
    ...shape: ShapeArgs
  ): void;
  conv2dForwardU8(
    kind: number,
    Z: Float32Array,
    A: Float32Array,
    X: Uint8Array,
    xScale: number,
    W: Float32Array,
    b: Float32Array,
    ...shape: ShapeArgs
  ): void;
  conv2dBackwardData(dAprev: Float32Array, dZ: Float32Array, W: Float32Array, ...shape: ShapeArgs): void;
  conv2dBackwardWeights(
    dW: Float32Array,
    db: Float32Array,
    dZ: Float32Array,
    Aprev: Float32Array,
    scale: number,
    ...shape: ShapeArgs
  ): void;
  conv2dBackwardWeightsU8(
    dW: Float32Array,
    db: Float32Array,
    dZ: Float32Array,
    X: Uint8Array,
    xScale: number,
    scale: number,
    ...shape: ShapeArgs
  ): void;
  maxPool2Forward: Kernels['maxPool2Forward'];
  maxPool2Backward: Kernels['maxPool2Backward'];
  info(): NativeInfo;
  setIsa(name: string): boolean;
  setThreads(n: number): void;
}

/** A ConvShape as the addon takes it: m, c_in, h, w, c_out, k. */
type ShapeArgs = [number, number, number, number, number, number];

/** Largest filter side the addon accepts (MAX_CONV_K in src-core/native/addon.c). */
const MAX_CONV_K = 255;

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

/** Checks a ConvShape (non-negative integers, k odd and at most MAX_CONV_K) and returns it as addon arguments. */
function convShape(method: string, s: ConvShape): ShapeArgs {
  if (typeof s !== 'object' || s === null) throw new TypeError(`${method}: the shape must be a ConvShape object`);
  for (const name of ['m', 'c_in', 'h', 'w', 'c_out', 'k'] as const) size(method, `shape.${name}`, s[name]);
  if (s.k % 2 !== 1 || s.k > MAX_CONV_K)
    throw new RangeError(`${method}: shape.k must be odd and at most ${MAX_CONV_K}, got ${s.k}`);
  return [s.m, s.c_in, s.h, s.w, s.c_out, s.k];
}

/** Checks the conv arrays: input `inName` (m, c_in, h, w), output `outName` (m, c_out, h, w), W and b. */
function convArrays(
  method: string,
  s: ConvShape,
  arrays: {
    input?: [string, unknown, boolean?];
    outputs?: [string, unknown][];
    W: [string, unknown];
    b?: [string, unknown];
  },
): void {
  const hw = s.h * s.w;
  if (arrays.input) {
    const [name, value, bytes] = arrays.input;
    const shape = bytes ? `${name} (m, h, w, c_in)` : `${name} (m, c_in, h, w)`;
    array(method, name, value, s.m * s.c_in, hw, shape, bytes);
  }
  for (const [name, value] of arrays.outputs ?? [])
    array(method, name, value, s.m * s.c_out, hw, `${name} (m, c_out, h, w)`);
  const [wName, W] = arrays.W;
  array(method, wName, W, s.c_out * s.c_in, s.k * s.k, `${wName} (c_out, c_in, k, k)`);
  if (arrays.b) array(method, arrays.b[0], arrays.b[1], s.c_out, 1, `${arrays.b[0]} (c_out)`);
}

function poolArrays(
  method: string,
  planes: number,
  h: number,
  w: number,
  small: [string, unknown][],
  big: [string, unknown][],
): void {
  size(method, 'planes', planes);
  size(method, 'h', h);
  size(method, 'w', w);
  for (const [name, value] of big) array(method, name, value, planes, h * w, `${name} (planes, h, w)`);
  const out = Math.floor(h / 2) * Math.floor(w / 2);
  for (const [name, value] of small) array(method, name, value, planes, out, `${name} (planes, h/2, w/2)`);
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

    conv2dForward(kind, Z, A, Aprev, W, b, s) {
      const me = 'conv2dForward';
      const code = activation(me, kind, true);
      const shape = convShape(me, s);
      convArrays(me, s, {
        input: ['Aprev', Aprev],
        outputs: [
          ['Z', Z],
          ['A', A],
        ],
        W: ['W', W],
        b: ['b', b],
      });
      a.conv2dForward(code, Z, A, Aprev, W, b, ...shape);
    },

    conv2dForwardU8(kind, Z, A, X, xScale, W, b, s) {
      const me = 'conv2dForwardU8';
      const code = activation(me, kind, true);
      const shape = convShape(me, s);
      number(me, 'xScale', xScale);
      convArrays(me, s, {
        input: ['X', X, true],
        outputs: [
          ['Z', Z],
          ['A', A],
        ],
        W: ['W', W],
        b: ['b', b],
      });
      a.conv2dForwardU8(code, Z, A, X, xScale, W, b, ...shape);
    },

    conv2dBackwardData(dAprev, dZ, W, s) {
      const me = 'conv2dBackwardData';
      const shape = convShape(me, s);
      convArrays(me, s, { input: ['dAprev', dAprev], outputs: [['dZ', dZ]], W: ['W', W] });
      a.conv2dBackwardData(dAprev, dZ, W, ...shape);
    },

    conv2dBackwardWeights(dW, db, dZ, Aprev, scale, s) {
      const me = 'conv2dBackwardWeights';
      const shape = convShape(me, s);
      number(me, 'scale', scale);
      convArrays(me, s, { input: ['Aprev', Aprev], outputs: [['dZ', dZ]], W: ['dW', dW], b: ['db', db] });
      a.conv2dBackwardWeights(dW, db, dZ, Aprev, scale, ...shape);
    },

    conv2dBackwardWeightsU8(dW, db, dZ, X, xScale, scale, s) {
      const me = 'conv2dBackwardWeightsU8';
      const shape = convShape(me, s);
      number(me, 'xScale', xScale);
      number(me, 'scale', scale);
      convArrays(me, s, { input: ['X', X, true], outputs: [['dZ', dZ]], W: ['dW', dW], b: ['db', db] });
      a.conv2dBackwardWeightsU8(dW, db, dZ, X, xScale, scale, ...shape);
    },

    maxPool2Forward(A, Aprev, planes, h, w) {
      const me = 'maxPool2Forward';
      poolArrays(me, planes, h, w, [['A', A]], [['Aprev', Aprev]]);
      a.maxPool2Forward(A, Aprev, planes, h, w);
    },

    maxPool2Backward(dAprev, dA, Aprev, A, planes, h, w) {
      const me = 'maxPool2Backward';
      poolArrays(
        me,
        planes,
        h,
        w,
        [
          ['dA', dA],
          ['A', A],
        ],
        [
          ['dAprev', dAprev],
          ['Aprev', Aprev],
        ],
      );
      a.maxPool2Backward(dAprev, dA, Aprev, A, planes, h, w);
    },
  };
}
