// The benchmark's targets, each with the value measured in this run and whether it is met. A target
// whose figure could not be measured (a section failed, the native backend or a peer is missing, no
// FMA peak) is not met, and says why in `note`. A ratio against PyTorch counts only when PyTorch ran on
// an optimised BLAS (OpenBLAS, MKL, BLIS): against the reference BLAS it would flatter catnet.

export interface Target {
  id: string;
  description: string;
  /** The bound, e.g. '<= 1.0'. */
  target: string;
  measured: number | null;
  unit: string;
  met: boolean;
  note?: string;
}

/** A measured value, or the reason there is none. */
export type Measured = number | { missing: string };

export function target(
  id: string,
  description: string,
  bound: string,
  unit: string,
  value: Measured,
  ok: (v: number) => boolean,
  note?: string,
): Target {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const why = typeof value === 'number' ? `not a finite number (${value})` : value.missing;
    return { id, description, target: bound, measured: null, unit, met: false, note: `not measured: ${why}` };
  }
  const t: Target = { id, description, target: bound, measured: value, unit, met: ok(value) };
  if (note) t.note = note;
  return t;
}

/** Reads a number at `path` in a section result, or says why it is missing. */
export function pick(section: unknown, path: string, sectionName: string): Measured {
  if (section === undefined) return { missing: `the ${sectionName} section did not run` };
  let v: unknown = section;
  if (v && typeof v === 'object' && 'error' in v) return { missing: `${sectionName} failed: ${String(v.error)}` };
  for (const key of path.split('.')) {
    if (v && typeof v === 'object' && 'unavailable' in v) return { missing: String(v.unavailable) };
    if (v && typeof v === 'object' && 'skipped' in v && typeof v.skipped === 'string')
      return { missing: `skipped: ${String(v.skipped)}` };
    if (!v || typeof v !== 'object' || !(key in v)) return { missing: `${sectionName} has no ${path}` };
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === 'number' ? v : { missing: `${sectionName}.${path} is not a number` };
}

/** a / b when both are numbers, else the first reason. */
export function ratio(a: Measured, b: Measured): Measured {
  if (typeof a !== 'number') return a;
  if (typeof b !== 'number') return b;
  return a / b;
}

export interface SectionResults {
  training: unknown;
  kernels: unknown;
  ingest: unknown;
  inference: unknown;
  responsiveness: unknown;
  peers: unknown;
  /** bench/conv.ts (absent from older callers: its targets then say "did not run"). */
  conv?: unknown;
}

/**
 * The worst of the two layer-1 GEMMs (forward Z1 = W1 X, backward dW1 = dZ1 X^T, both on the bytes)
 * at the default ISA and all threads, as a share of the peak, from benchKernels()'s result.
 */
export function kernelsWorkloadPercent(kernels: unknown, peakGflops: number): Measured {
  const threads = pick(kernels, 'native.threads', 'kernels');
  if (typeof threads !== 'number') return threads;
  const native = (kernels as { native: { default_isa: string; isa: Record<string, unknown> } }).native;
  const entry = `native.isa.${native.default_isa}.threads_${threads}`;
  const fwd = pick(kernels, `${entry}.forward_gemmU8_transB.gflops`, 'kernels');
  const bwd = pick(kernels, `${entry}.backward_gemmU8.gflops`, 'kernels');
  if (typeof fwd !== 'number') return fwd;
  if (typeof bwd !== 'number') return bwd;
  return (100 * Math.min(fwd, bwd)) / peakGflops;
}

/** Libraries that count as an optimised BLAS (tuned kernels for this CPU, threaded). */
const OPTIMISED_BLAS = /^(openblas|mkl|blis)$/i;

export interface PeerBlas {
  /** The libraries the peer ran on, e.g. "openblas (Cooperlake)", or why unknown. */
  library: string;
  optimised: boolean;
}

/**
 * Which BLAS a peer ran on, from its `blas` list (bench/peers/blas_info.py) and, for PyTorch, its
 * build's BLAS_INFO (an MKL linked into torch does not show up as a library of its own).
 */
export function peerBlas(peer: unknown): PeerBlas {
  if (!peer || typeof peer !== 'object') return { library: 'unknown: the peer did not run', optimised: false };
  const p = peer as { blas?: unknown; blas_build?: unknown };
  if (typeof p.blas_build === 'string' && OPTIMISED_BLAS.test(p.blas_build))
    return { library: `${p.blas_build} (linked into the peer)`, optimised: true };
  const entries = Array.isArray(p.blas) ? (p.blas as { library?: unknown; kernel?: unknown; path?: unknown }[]) : [];
  if (entries.length === 0) return { library: 'unknown: the peer reported no BLAS', optimised: false };
  const names = entries.map((e) => {
    const library = String(e.library ?? 'unknown');
    return `${library}${e.kernel ? ` (${String(e.kernel)})` : ''}${e.path ? ` at ${String(e.path)}` : ''}`;
  });
  // Every BLAS mapped into the peer must be optimised: one reference libblas is enough to slow it.
  const optimised = entries.every((e) => OPTIMISED_BLAS.test(String(e.library ?? '')));
  return { library: [...new Set(names)].join('; '), optimised };
}

/** 2.5 GB as MiB (the RSS figures are MiB). */
const MEMORY_LIMIT_MB = 2.5 * 1024;

export function evaluateTargets(
  r: SectionResults,
  peakGflops: number,
): { targets: Target[]; ratios: Record<string, Measured>; peerBlas: Record<'torch' | 'numpy', PeerBlas> } {
  const catnetMs = pick(r.training, 'course_net.ms_per_iteration', 'training');
  const torchMs = pick(r.peers, 'torch.ms_per_iteration', 'peers');
  const torchBlas = peerBlas((r.peers as { torch?: unknown } | undefined)?.torch);
  // Without an FMA peak (not measured, not given) no percent-of-peak figure exists.
  const noPeak = {
    missing: 'no FMA peak: it could not be measured here (see machine.peak_source); pass --peak-gflops',
  };
  const withPeak = (m: Measured): Measured => (peakGflops > 0 ? m : noPeak);
  const numpyMs = pick(r.peers, 'numpy.ms_per_iteration', 'peers');
  const pillowRate = pick(r.peers, 'pillow.images_per_s', 'peers');
  // benchIngest's figures (best of 3 passes) when it ran, else the single pass of ingest-same-files.ts.
  const either = (path: string) => {
    const own = pick(r.ingest, `bench_ingest.${path}`, 'ingest');
    return typeof own === 'number' ? own : pick(r.ingest, `same_files.${path}`, 'ingest');
  };
  const ingestCold = either('cold_images_per_s');
  const ingestCached = either('cached_images_per_s');
  const coldCpu = pick(r.ingest, 'same_files.cold_cpu_utilisation', 'ingest');
  const ingestIsolated = either('cold_isolated_images_per_s');
  const folderRate = pick(r.inference, 'folder_images_per_s', 'inference');
  const scaling = (i: number) => pick(r.training, `scaling.cost_ratio_vs_smallest.${i}`, 'training');
  const images = (i: number) => pick(r.training, `scaling.runs.${i}.images`, 'training');
  const n = (m: Measured) => (typeof m === 'number' ? m.toLocaleString('en') : '?');

  const ratios: Record<string, Measured> = {
    train_time_vs_torch: ratio(catnetMs, torchMs),
    train_speedup_vs_torch: ratio(torchMs, catnetMs),
    train_speedup_vs_numpy: ratio(numpyMs, catnetMs),
    // Fastest single iteration of each: less sensitive to other work on the machine than medians.
    train_speedup_vs_torch_min_times: ratio(
      pick(r.peers, 'torch.ms_min', 'peers'),
      pick(r.training, 'course_net.ms_min', 'training'),
    ),
    ingest_vs_pillow: ratio(ingestCold, pillowRate),
    ingest_isolated_vs_pillow: ratio(ingestIsolated, pillowRate),
    folder_predict_vs_ingest: ratio(folderRate, ingestCold),
    cnn_epoch_vs_torch: ratio(pick(r.conv, 'epoch.ms', 'conv'), pick(r.conv, 'torch.epoch_ms', 'conv')),
  };
  const folderVsIngest =
    typeof ingestCold === 'number' ? ratios.folder_predict_vs_ingest : ratio(folderRate, pillowRate);

  const targets = [
    target(
      'train_course_ms',
      'course 4-layer net, full batch (209 images): ms per iteration',
      '<= 1.0',
      'ms',
      catnetMs,
      (v) => v <= 1.0,
    ),
    target(
      'train_course_percent_of_peak',
      'same iteration as a share of the FMA peak',
      '>= 50',
      '%',
      withPeak(pick(r.training, 'course_net.percent_of_peak', 'training')),
      (v) => v >= 50,
    ),
    target(
      'train_vs_torch',
      "catnet's iteration time / PyTorch's, same run",
      '<= 0.5',
      'ratio',
      ratios.train_time_vs_torch,
      (v) => v <= 0.5 && torchBlas.optimised,
      torchBlas.optimised
        ? `PyTorch ran on ${torchBlas.library}`
        : `not counted: PyTorch ran on ${torchBlas.library}, not an optimised BLAS (install libopenblas0-pthread)`,
    ),
    target(
      'gemm_workload_percent_of_peak',
      'GEMM shapes of this workload (20x12288 by 12288xm and the transposed products), worst shape',
      '>= 60',
      '%',
      withPeak(kernelsWorkloadPercent(r.kernels, peakGflops)),
      (v) => v >= 60,
    ),
    target(
      'threads_speedup',
      'course iteration: 1 thread time / 2 threads time',
      '>= 1.7',
      'x',
      pick(r.training, 'threads.speedup', 'training'),
      (v) => v >= 1.7,
    ),
    target(
      'scaling_10x',
      `per-image cost of mini-batch epochs, ${n(images(1))} images / ${n(images(0))} images`,
      '<= 1.2',
      'ratio',
      scaling(1),
      (v) => v <= 1.2,
    ),
    target(
      'scaling_100x',
      `per-image cost of mini-batch epochs, ${n(images(2))} images / ${n(images(0))} images`,
      '<= 1.2',
      'ratio',
      scaling(2),
      (v) => v <= 1.2,
    ),
    target(
      'memory_largest_mb',
      `peak RSS while training on ${n(images(2))} images`,
      '< 2560 (2.5 GB)',
      'MiB',
      pick(r.training, 'scaling.peak_rss_mb_largest', 'training'),
      (v) => v < MEMORY_LIMIT_MB,
    ),
    target(
      'ingest_isolated_vs_pillow',
      "catnet ingest images/s decoding in the decode process, as the app does / Pillow's, same files",
      '>= 1.5',
      'ratio',
      ratios.ingest_isolated_vs_pillow,
      (v) => v >= 1.5,
    ),
    target(
      'ingest_vs_pillow',
      "catnet ingest images/s (cold vector cache, warm page cache) / Pillow's (draft mode, all cores), same files",
      '>= 1',
      'ratio',
      ratios.ingest_vs_pillow,
      (v) => v >= 1,
      typeof coldCpu === 'number'
        ? `catnet's CPU use during the cold import: ${Math.round(100 * coldCpu)}% of all cores`
        : undefined,
    ),
    target(
      'ingest_cached',
      'cached re-open of an imported folder (warm vector cache, warm page cache)',
      '>= 50000',
      'images/s',
      ingestCached,
      (v) => v >= 50_000,
    ),
    target(
      'inference_single_ms',
      'one image end to end (read, decode, resize, forward): median',
      '< 5',
      'ms',
      pick(r.inference, 'single_image_ms_median', 'inference'),
      (v) => v < 5,
    ),
    target(
      'folder_predict_vs_ingest',
      'folder prediction images/s / ingest images/s',
      '>= 0.9',
      'ratio',
      folderVsIngest,
      (v) => v >= 0.9,
      typeof ingestCold === 'number' ? undefined : "compared with Pillow's rate: catnet's ingest figure is missing",
    ),
    target(
      'responsive_training_ms',
      'longest main-thread event-loop delay while training runs in the worker',
      '<= 50',
      'ms',
      pick(r.responsiveness, 'training.max_ms', 'responsiveness'),
      (v) => v <= 50,
    ),
    target(
      'responsive_import_ms',
      'longest main-thread event-loop delay during a folder import (cold and cached)',
      '<= 50',
      'ms',
      pick(r.responsiveness, 'import.max_ms', 'responsiveness'),
      (v) => v <= 50,
    ),
    target(
      'cnn_epoch_vs_torch',
      "small CNN, one epoch of 2,000 images (Adam, batch 32, flip + shift): catnet's time / PyTorch's at its best thread count, same run",
      '<= 0.5',
      'ratio',
      ratios.cnn_epoch_vs_torch,
      (v) => v <= 0.5,
    ),
  ];
  const numpyBlas = peerBlas((r.peers as { numpy?: unknown } | undefined)?.numpy);
  return { targets, ratios, peerBlas: { torch: torchBlas, numpy: numpyBlas } };
}
