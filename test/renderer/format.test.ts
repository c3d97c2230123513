// How the UI writes numbers: metrics at a threshold, engine line, sizes and durations.

import { describe, expect, it } from 'vitest';
import type { EngineInfo, Metrics } from '../../src-main/contract.js';
import {
  bytes,
  decimal,
  duration,
  engineLabel,
  engineWarning,
  fixed,
  metricRows,
  percent,
  probability,
} from '../../src-renderer/state/format.js';

/** Metrics computed from the four counts by the textbook definitions (the oracle). */
function metricsFrom(tp: number, fp: number, tn: number, fn: number, threshold: number): Metrics {
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    m: tp + fp + tn + fn,
    accuracy: (tp + tn) / (tp + fp + tn + fn),
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
  };
}

describe('metricRows', () => {
  it('shows the four metrics as percentages with one decimal', () => {
    const rows = metricRows(metricsFrom(30, 5, 10, 5, 0.5));
    expect(rows.map((r) => [r.key, r.value])).toEqual([
      ['accuracy', '80.0 %'],
      ['precision', '85.7 %'],
      ['recall', '85.7 %'],
      ['f1', '85.7 %'],
    ]);
  });

  it('reads "n/a" for precision and F1 when nothing is predicted positive (threshold 1)', () => {
    const rows = metricRows(metricsFrom(0, 0, 20, 30, 1));
    expect(rows.find((r) => r.key === 'precision')?.value).toBe('n/a');
    expect(rows.find((r) => r.key === 'f1')?.value).toBe('n/a');
    expect(rows.find((r) => r.key === 'recall')?.value).toBe('0.0 %');
    expect(rows.find((r) => r.key === 'accuracy')?.value).toBe('40.0 %');
  });
});

describe('number formats', () => {
  it('percent and probability', () => {
    expect(percent(0.93121)).toBe('93.1 %');
    expect(percent(1)).toBe('100.0 %');
    expect(percent(undefined)).toBe('n/a');
    expect(percent(Number.NaN)).toBe('n/a');
    expect(probability(0.931249)).toBe('0.9312');
    expect(probability(Number.POSITIVE_INFINITY)).toBe('n/a');
  });

  it('bytes', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(12_345)).toBe('12.1 KB');
    expect(bytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(bytes(-1)).toBe('n/a');
  });

  it('duration', () => {
    expect(duration(0.42)).toBe('0.4 s');
    expect(duration(42.4)).toBe('42 s');
    expect(duration(185)).toBe('3 min 05 s');
    expect(duration(3720)).toBe('1 h 02 min');
    expect(duration(Number.NaN)).toBe('n/a');
  });

  it('decimal', () => {
    expect(decimal(1234.5)).toBe('1,235');
    expect(decimal(12.34)).toBe('12.3');
    expect(decimal(4.5678)).toBe('4.57');
    expect(decimal(0.012345)).toBe('0.0123');
  });
});

describe('engine line', () => {
  const native: EngineInfo = { version: '0.1.0', backend: 'native', isa: 'avx512', threads: 2, transport: 'browser' };

  it('names version, backend, instruction set and threads', () => {
    expect(engineLabel(native)).toBe('catnet 0.1.0 · native avx512 · 2 threads');
    expect(engineLabel({ ...native, threads: 1 })).toBe('catnet 0.1.0 · native avx512 · 1 thread');
    expect(engineWarning(native)).toBeNull();
    expect(engineLabel({ ...native, jpegDecoder: 'sharp', jpegReason: 'not built' })).toBe(
      'catnet 0.1.0 · native avx512 · 2 threads · JPEG sharp',
    );
  });

  it('warns, with the reason, when the reference engine runs', () => {
    const warning = engineWarning({ ...native, backend: 'reference', isa: 'js', reason: 'addon not built' });
    expect(warning).toContain('reference');
    expect(warning).toContain('addon not built');
  });
});

describe('fixed', () => {
  it('prints finite numbers and n/a for NaN or a JSON null', () => {
    expect(fixed(0.123456, 4)).toBe('0.1235');
    expect(fixed(Number.NaN, 4)).toBe('n/a');
    expect(fixed(null, 4)).toBe('n/a');
  });
});
