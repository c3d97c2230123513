import { describe, expect, it } from 'vitest';
import { accuracy, confusion, metrics } from '../../../src-core/train/metrics.js';

describe('metrics', () => {
  const p = [0.9, 0.2, 0.6, 0.4, 0.5, 0.1];
  const Y = [1, 1, 0, 0, 1, 0];
  it('confusion counts at 0.5 (>= threshold is positive)', () => {
    expect(confusion(p, Y, 6)).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(confusion(p, Y, 6, 0.95)).toEqual({ tp: 0, fp: 0, tn: 3, fn: 3 });
  });
  it('accuracy, precision, recall, F1', () => {
    const r = metrics(p, Y, 6);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.precision).toBeCloseTo(2 / 3, 12);
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.f1).toBeCloseTo(2 / 3, 12);
    expect(r.m).toBe(6);
    expect(accuracy(p, Y, 6)).toBeCloseTo(4 / 6, 12);
  });
  it('undefined ratios are 0, not NaN', () => {
    const r = metrics([0.1, 0.2], [0, 0], 2);
    expect([r.precision, r.recall, r.f1, r.accuracy]).toEqual([0, 0, 0, 1]);
    expect(metrics([], [], 0).accuracy).toBe(0);
  });
});
