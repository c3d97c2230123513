// Convolution figures for `npm run bench` (section "conv"): GFLOP/s of each conv kernel of the small
// CNN (batch 32: conv3x3 3->16 @64x64 on the bytes, 16->32 @32x32, 32->64 @16x16) and of the pooling,
// at the default ISA with 1 thread and all threads, against the FMA peak; then one training epoch
// of the whole CNN through the engine on 2,000 images (Adam, batch 32, flip + shift, bench/cnn-epoch.ts)
// against PyTorch's same net and schedule (bench/peers/conv_torch.py) at its best thread count,
// measured in the same run: catnet, PyTorch, catnet again. Benchmarks only: nothing asserted.

import type { ConvShape, Kernels } from '../src-core/kernels/kernels.js';
import { nativeInfo, nativeKernels, setNativeThreads } from '../src-core/kernels/native.js';
import { cnnFlopPerExample, cnnTrainer, syntheticImages } from './cnn-epoch.js';
import { loadAverage } from './machine.js';
import { runPython } from './peers.js';

export interface BenchConvOptions {
  quick?: boolean;
  peakGflops: number;
  log: (line: string) => void;
}

const BATCH = 32;
const EPOCH_IMAGES = 2000;

/** Best and median ms of `run` over `calls` calls after 2 warm-up calls. */
function time(run: () => void, calls: number): { ms_min: number; ms_median: number } {
  run();
  run();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { ms_min: samples[0], ms_median: samples[samples.length >> 1] };
}

/** Seeded values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Each kernel of one conv layer (and its pool) timed; GFLOP/s from the best call, as % of the peak. */
function layerFigures(k: Kernels, s: ConvShape, first: boolean, calls: number, peak: number) {
  const input = s.m * s.c_in * s.h * s.w;
  const output = s.m * s.c_out * s.h * s.w;
  const Aprev = values(input, 1).map(Math.abs);
  const X = Uint8Array.from(values(input, 2), (v) => Math.floor(128 + 127 * v));
  const W = values(s.c_out * s.c_in * s.k * s.k, 3);
  const b = values(s.c_out, 4);
  const [Z, A, dZ] = [5, 6, 7].map((seed) => values(output, seed));
  const dA = new Float32Array(output);
  const [dW, db, dAprev, P] = [W.length, s.c_out, input, output / 4].map((n) => new Float32Array(n));
  const flop = 2 * s.m * s.h * s.w * s.c_out * s.c_in * s.k * s.k;
  const figure = (run: () => void, f: number) => {
    const t = time(run, calls);
    const gflops = f / (t.ms_min * 1e6);
    return { ...t, gflops, percent_of_peak: (100 * gflops) / peak };
  };
  const planes = s.m * s.c_out;
  return {
    shape: s,
    flop,
    forward: figure(
      first
        ? () => k.conv2dForwardU8('relu', Z, A, X, 1 / 255, W, b, s)
        : () => k.conv2dForward('relu', Z, A, Aprev, W, b, s),
      flop,
    ),
    backward_weights: figure(
      first
        ? () => k.conv2dBackwardWeightsU8(dW, db, dZ, X, 1 / 255, 1 / s.m, s)
        : () => k.conv2dBackwardWeights(dW, db, dZ, Aprev, 1 / s.m, s),
      flop,
    ),
    backward_data: first ? null : figure(() => k.conv2dBackwardData(dAprev, dZ, W, s), flop),
    explicit_im2col_forward_gemm_only_ms: explicitIm2colGemmMs(k, s, calls),
    pool_forward_ms: time(() => k.maxPool2Forward(P, A, planes, s.h, s.w), calls).ms_min,
    pool_backward_ms: time(() => k.maxPool2Backward(dA, P, A, P, planes, s.h, s.w), calls).ms_min,
  };
}

/**
 * The alternative the conv kernels were chosen against: an explicit im2col (c_in k k, h w) per example,
 * then one GEMM W (c_out, c_in k k) . col per example through the course net's GEMM kernel, into each
 * example's own Z. Only the GEMMs are timed (the im2col matrices are built beforehand, untimed; no
 * bias, no activation, no A written), so this is a lower bound on the explicit method's forward time.
 */
function explicitIm2colGemmMs(k: Kernels, s: ConvShape, calls: number): number {
  const K = s.c_in * s.k * s.k;
  const hw = s.h * s.w;
  const p = (s.k - 1) / 2;
  const input = values(s.m * s.c_in * hw, 1);
  const cols = Array.from({ length: s.m }, (_, i) => {
    const col = new Float32Array(K * hw);
    for (let c = 0; c < s.c_in; c++)
      for (let u = 0; u < s.k; u++)
        for (let v = 0; v < s.k; v++)
          for (let y = 0; y < s.h; y++)
            for (let x = 0; x < s.w; x++) {
              const [yy, xx] = [y + u - p, x + v - p];
              const inside = yy >= 0 && yy < s.h && xx >= 0 && xx < s.w;
              col[((c * s.k + u) * s.k + v) * hw + y * s.w + x] = inside
                ? input[((i * s.c_in + c) * s.h + yy) * s.w + xx]
                : 0;
            }
    return col;
  });
  const W = values(s.c_out * K, 3);
  const Z = new Float32Array(s.m * s.c_out * hw); // each example's own output, as the conv kernels write
  return time(() => {
    cols.forEach((col, i) => {
      k.gemm(false, false, s.c_out, hw, K, 1, W, col, 0, Z.subarray(i * s.c_out * hw));
    });
  }, calls).ms_min;
}

/** Best epoch time (ms) of `epochs` epochs on the images, after a short warm-up. */
function catnetEpochs(k: Kernels, images: ReturnType<typeof syntheticImages>, n: number, epochs: number) {
  const trainer = cnnTrainer(k, BATCH);
  trainer.epoch(images.pixels, images.labels, Math.min(n, 8 * BATCH));
  const runs: number[] = [];
  let cost = 0;
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    cost = trainer.epoch(images.pixels, images.labels, n);
    runs.push(performance.now() - t0);
  }
  return { runs, cost };
}

export async function benchConv(opts: BenchConvOptions) {
  const { quick, peakGflops, log } = opts;
  let k: Kernels;
  try {
    k = nativeKernels();
  } catch (err) {
    return { unavailable: `native addon not loaded: ${(err as Error).message}` };
  }
  const info = nativeInfo();
  const calls = quick ? 3 : 15;
  const shapes: ConvShape[] = [3, 16, 32].map((c_in, l) => ({
    m: BATCH,
    c_in,
    h: 64 >> l,
    w: 64 >> l,
    c_out: 16 << l,
    k: 3,
  }));
  const layers: Record<string, unknown> = {};
  for (const threads of [...new Set([1, info.threads])]) {
    log(`conv: per-layer kernels, ${info.isa}, ${threads} thread(s)`);
    setNativeThreads(threads);
    layers[`threads_${threads}`] = shapes.map((s, l) =>
      layerFigures(k, s, l === 0, calls, (peakGflops / info.threads) * threads),
    );
  }
  setNativeThreads(info.threads);

  const n = quick ? 4 * BATCH : EPOCH_IMAGES;
  const images = syntheticImages(n);
  const flopPerEpoch = cnnFlopPerExample() * Math.floor(n / BATCH) * BATCH;
  const loadStart = loadAverage();
  log(`conv: catnet CNN epoch on ${n} images (batch ${BATCH}, Adam, flip + shift)`);
  const first = catnetEpochs(k, images, n, quick ? 1 : 2);
  let torch: Record<string, unknown> | { unavailable: string };
  if (quick) {
    torch = { unavailable: '--quick (run `npm run bench` for the PyTorch figure)' };
  } else {
    log('conv: PyTorch CNN epoch (threads 1 and 2; minutes on a busy machine)');
    try {
      torch = await runPython('conv_torch.py', ['--images', String(n), '--epochs', '1'], 900_000);
      if (torch.ok !== true) torch = { unavailable: String(torch.error ?? 'failed') };
    } catch (err) {
      torch = { unavailable: (err as Error).message };
    }
  }
  log('conv: catnet CNN epoch again (after the peer, so both saw similar load)');
  const second = catnetEpochs(k, images, n, quick ? 1 : 2);
  const runs = [...first.runs, ...second.runs];
  const epochMs = Math.min(...runs);
  const torchMs = 'epoch_ms' in torch && typeof torch.epoch_ms === 'number' ? torch.epoch_ms : null;
  return {
    isa: info.isa,
    threads: info.threads,
    peak_gflops: peakGflops,
    layers,
    epoch: {
      images: n,
      batch: BATCH,
      flop: flopPerEpoch,
      ms: epochMs,
      runs_ms: runs,
      gflops: flopPerEpoch / (epochMs * 1e6),
      percent_of_peak: (100 * flopPerEpoch) / (epochMs * 1e6) / peakGflops,
      final_cost: second.cost,
      load_average_start: loadStart,
      load_average_end: loadAverage(),
    },
    torch,
    epoch_vs_torch: torchMs ? epochMs / torchMs : { unavailable: 'PyTorch epoch not measured' },
  };
}
