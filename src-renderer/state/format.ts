// How numbers read in the UI: percentages, probabilities, sizes, durations, the engine line and the
// metrics table. Pure functions (tested in test/renderer/format.test.ts); no DOM, no state.

import type { EngineInfo, Metrics } from '../../src-main/contract.js';

/** 0.9312 -> "93.1 %"; NaN/undefined (e.g. precision with no positive predictions) -> "n/a". */
export function percent(x: number | undefined | null, digits = 1): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return 'n/a';
  return `${(x * 100).toFixed(digits)} %`;
}

/** A probability in [0, 1] with 4 decimals: 0.93121 -> "0.9312". */
export function probability(p: number): string {
  return Number.isFinite(p) ? p.toFixed(4) : 'n/a';
}

/** 12_345 -> "12.1 KB" (powers of 1024, as file managers show). */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return 'n/a';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** Seconds -> "0.4 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'n/a';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Small ratios with a sensible number of digits: 1234.5 -> "1,235", 12.34 -> "12.3", 0.0123 -> "0.0123". */
export function decimal(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** "catnet 0.1.0 · native avx512 · 2 threads · JPEG libjpeg-turbo" (the header line). */
export function engineLabel(e: EngineInfo): string {
  const threads = `${e.threads} thread${e.threads === 1 ? '' : 's'}`;
  const jpeg = e.jpegDecoder ? ` · JPEG ${e.jpegDecoder}` : '';
  return `catnet ${e.version} · ${e.backend} ${e.isa} · ${threads}${jpeg}`;
}

/** The warning shown when the slow reference kernels run, or null when the native addon is used. */
export function engineWarning(e: EngineInfo): string | null {
  if (e.backend !== 'reference') return null;
  const why = e.reason ? `: ${e.reason}` : '';
  return `Using the slow TypeScript reference engine (the native addon did not load${why}). Training works, only slower.`;
}

export interface MetricRow {
  key: 'accuracy' | 'precision' | 'recall' | 'f1';
  label: string;
  value: string;
  /** What the number means, for the tooltip. */
  hint: string;
}

/** The four headline metrics of one split, formatted; precision/recall/F1 read "n/a" when undefined. */
export function metricRows(m: Metrics): MetricRow[] {
  return [
    { key: 'accuracy', label: 'Accuracy', value: percent(m.accuracy), hint: 'share of images classified correctly' },
    {
      key: 'precision',
      label: 'Precision',
      value: percent(m.precision),
      hint: 'of those called positive, how many are',
    },
    { key: 'recall', label: 'Recall', value: percent(m.recall), hint: 'of the positives, how many were found' },
    { key: 'f1', label: 'F1', value: percent(m.f1), hint: 'harmonic mean of precision and recall' },
  ];
}

/** "20,7,5" for [20, 7, 5]; the network's layer dimensions as "[12288, 20, 7, 5, 1]". */
export function layerDimsLabel(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/** x with `digits` decimals; "n/a" for NaN/Infinity and for null (JSON turns NaN into null). */
export function fixed(x: number | null | undefined, digits: number): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}
