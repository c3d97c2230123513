// The chart's curve when a run ends: the whole cost history merged with the live progress points.
import { describe, expect, it } from 'vitest';
import { type Curve, emptyCurve, withCostHistory } from '../../src-renderer/state/learning-curve.js';

/** Two rate-limited progress points of a 300-iteration run, as the live chart had them. */
const live = (): Curve => ({ iteration: [120, 300], cost: [0.5, 0.3], train: [0.7, 0.9], validation: [null, 0.8] });

describe('learning curve with the cost history', () => {
  it('draws every history point; accuracies stay at their progress iterations', () => {
    const costs = Array.from({ length: 301 }, (_, t) => ({ iteration: t, cost: 1 / (1 + t) }));
    const c = withCostHistory(live(), costs);
    expect(c.iteration).toEqual(Array.from({ length: 301 }, (_, t) => t));
    expect(c.cost).toEqual(costs.map((p) => p.cost)); // the history's, not the progress costs
    expect(c.train.filter((v) => v !== null)).toEqual([0.7, 0.9]);
    expect(c.train[120]).toBe(0.7);
    expect(c.validation[300]).toBe(0.8);
    expect(c.validation[120]).toBeNull();
    expect(c.train[0]).toBeNull();
  });

  it('merges iterations that are only in one of the two, in ascending order', () => {
    const c = withCostHistory(live(), [
      { iteration: 0, cost: 0.69 },
      { iteration: 200, cost: 0.4 },
      { iteration: 300, cost: 0.31 },
    ]);
    expect(c).toEqual({
      iteration: [0, 120, 200, 300],
      cost: [0.69, null, 0.4, 0.31],
      train: [null, 0.7, null, 0.9],
      validation: [null, null, null, 0.8],
    });
  });

  it('no history (an older backend): the curve is unchanged; non-finite costs become gaps', () => {
    const before = live();
    expect(withCostHistory(before, undefined)).toBe(before);
    expect(withCostHistory(before, [])).toBe(before);
    expect(withCostHistory(emptyCurve(), [{ iteration: 0, cost: Number.NaN }]).cost).toEqual([null]);
  });
});
