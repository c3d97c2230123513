// Target evaluation against hand-made section results: met / not met at the bounds, and a missing
// figure reported as not measured with the reason.

import { describe, expect, it } from 'vitest';
import { evaluateTargets, peerBlas, pick, ratio } from '../../bench/targets.js';

const kernels = (fwd: number, bwd: number) => ({
  native: {
    default_isa: 'avx512',
    threads: 2,
    isa: { avx512: { threads_2: { forward_gemmU8_transB: { gflops: fwd }, backward_gemmU8: { gflops: bwd } } } },
  },
});

function results(overrides: Record<string, unknown> = {}) {
  return {
    training: {
      course_net: { ms_per_iteration: 1.0, percent_of_peak: 51 },
      threads: { speedup: 1.7 },
      scaling: {
        runs: [{ images: 1000 }, { images: 10000 }, { images: 100000 }],
        cost_ratio_vs_smallest: [1, 1.2, 1.21],
        peak_rss_mb_largest: 2559,
      },
    },
    kernels: kernels(240, 250),
    ingest: { same_files: { cold_images_per_s: 1300, cold_isolated_images_per_s: 1950, cached_images_per_s: 50000 } },
    inference: { single_image_ms_median: 4.9, folder_images_per_s: 1170 },
    responsiveness: { training: { max_ms: 50 }, import: { max_ms: 51 } },
    peers: {
      torch: {
        ms_per_iteration: 2,
        blas: [{ library: 'openblas', kernel: 'Cooperlake', path: '/usr/lib/libblas.so.3' }],
      },
      pillow: { images_per_s: 1300 },
    },
    ...overrides,
  };
}

describe('evaluateTargets', () => {
  it('applies each bound inclusively or strictly as the target states it', () => {
    const { targets, ratios } = evaluateTargets(results(), 400);
    const met = Object.fromEntries(targets.map((t) => [t.id, t.met]));
    expect(met).toEqual({
      train_course_ms: true,
      train_course_percent_of_peak: true,
      train_vs_torch: true, // 1.0 / 2 = 0.5
      gemm_workload_percent_of_peak: true, // min(240, 250) / 400 = 60 %
      threads_speedup: true,
      scaling_10x: true,
      scaling_100x: false,
      memory_largest_mb: true,
      ingest_vs_pillow: true,
      ingest_isolated_vs_pillow: true, // 1950 / 1300 = 1.5
      ingest_cached: true,
      inference_single_ms: true,
      folder_predict_vs_ingest: true, // 1170 / 1300 = 0.9
      responsive_training_ms: true,
      responsive_import_ms: false,
      cnn_epoch_vs_torch: false, // no conv section in these results: not measured
    });
    expect(ratios.train_speedup_vs_torch).toBe(2);
    expect(targets.find((t) => t.id === 'gemm_workload_percent_of_peak')?.measured).toBe(60);
  });

  it('reports a failed section, a skipped one and an unavailable figure as not measured, with why', () => {
    const { targets } = evaluateTargets(
      results({
        peers: { missing: ['torch: not installed'], skipped: [] },
        kernels: { skipped: '--quick' },
        training: { error: 'child crashed' },
      }),
      400,
    );
    const byId = Object.fromEntries(targets.map((t) => [t.id, t]));
    expect(byId.train_vs_torch).toMatchObject({ met: false, measured: null });
    expect(byId.train_vs_torch.note).toMatch(/training failed: child crashed/);
    expect(byId.gemm_workload_percent_of_peak.note).toMatch(/skipped: --quick/);
    expect(byId.ingest_vs_pillow.note).toMatch(/peers has no pillow.images_per_s/);
    expect(byId.inference_single_ms.met).toBe(true);
  });

  it('counts the PyTorch ratio only against an optimised BLAS, and says which BLAS it was', () => {
    const reference = [{ library: 'unknown (no openblas symbols: possibly the reference netlib BLAS)', path: '/x' }];
    const slow = evaluateTargets(results({ peers: { torch: { ms_per_iteration: 20, blas: reference } } }), 400);
    const t = slow.targets.find((x) => x.id === 'train_vs_torch')!;
    expect(t).toMatchObject({ measured: 0.05, met: false });
    expect(t.note).toMatch(/^not counted: PyTorch ran on unknown \(no openblas symbols.*not an optimised BLAS/);
    expect(slow.peerBlas.torch.optimised).toBe(false);

    const fast = evaluateTargets(results(), 400).targets.find((x) => x.id === 'train_vs_torch')!;
    expect(fast.met).toBe(true);
    expect(fast.note).toBe('PyTorch ran on openblas (Cooperlake) at /usr/lib/libblas.so.3');

    expect(peerBlas({ blas: [{ library: 'unknown: none' }], blas_build: 'mkl' })).toEqual({
      library: 'mkl (linked into the peer)',
      optimised: true,
    });
    expect(peerBlas({ blas: [{ library: 'openblas' }, { library: 'unknown (no openblas symbols)' }] }).optimised).toBe(
      false,
    );
    expect(peerBlas(undefined)).toEqual({ library: 'unknown: the peer did not run', optimised: false });
  });

  it('without an FMA peak the percent-of-peak targets are not measured, and say so', () => {
    const byId = Object.fromEntries(evaluateTargets(results(), Number.NaN).targets.map((t) => [t.id, t]));
    for (const id of ['train_course_percent_of_peak', 'gemm_workload_percent_of_peak']) {
      expect(byId[id]).toMatchObject({ met: false, measured: null });
      expect(byId[id].note).toMatch(/no FMA peak/);
    }
    expect(byId.train_course_ms.met).toBe(true);
  });

  it('pick and ratio pass reasons through', () => {
    expect(pick({ a: { unavailable: 'no addon' } }, 'a.b', 's')).toEqual({ missing: 'no addon' });
    expect(pick(undefined, 'a', 's')).toEqual({ missing: 'the s section did not run' });
    expect(ratio(6, 3)).toBe(2);
    expect(ratio({ missing: 'x' }, 3)).toEqual({ missing: 'x' });
  });
});
