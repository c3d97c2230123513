// The learning curve the chart draws: progress points while a run trains, then, when it ends, the
// run's whole cost history (train-done's `costs`) merged in, so short runs (a few rate-limited
// progress events) still show their full curve. Pure: no Svelte state here.

/** As uPlot wants it: x, then one array per series, aligned; null = no value at that x (the chart spans gaps). */
export interface Curve {
  iteration: number[];
  cost: (number | null)[];
  train: (number | null)[];
  validation: (number | null)[];
}

export interface CostPoint {
  iteration: number;
  cost: number;
}

export const emptyCurve = (): Curve => ({ iteration: [], cost: [], train: [], validation: [] });

/**
 * A new curve on the union of both iteration sets (ascending): the cost series from `costs` only
 * (the progress costs are replaced: same run, denser and exact), the accuracies from the progress
 * points. Without costs the curve is returned unchanged.
 */
export function withCostHistory(curve: Curve, costs: readonly CostPoint[] | undefined): Curve {
  if (!costs || costs.length === 0) return curve;
  const rows = new Map<number, { cost: number | null; train: number | null; validation: number | null }>();
  for (const [i, x] of curve.iteration.entries())
    rows.set(x, { cost: null, train: curve.train[i] ?? null, validation: curve.validation[i] ?? null });
  for (const { iteration, cost } of costs) {
    if (!Number.isFinite(iteration)) continue;
    const row = rows.get(iteration);
    const value = Number.isFinite(cost) ? cost : null;
    if (row) row.cost = value;
    else rows.set(iteration, { cost: value, train: null, validation: null });
  }
  const out = emptyCurve();
  for (const x of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(x)!;
    out.iteration.push(x);
    out.cost.push(row.cost);
    out.train.push(row.train);
    out.validation.push(row.validation);
  }
  return out;
}
