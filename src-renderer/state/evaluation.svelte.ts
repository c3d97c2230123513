// Section 3, Evaluate: metrics of the current model at the chosen threshold. Slider moves are
// coalesced (LatestOnly): at most one request in flight, and the newest threshold always wins.

import type { CatnetApi, Evaluation } from '../../src-main/contract.js';
import type { Run } from './errors.js';
import { LatestOnly } from './latest-only.js';

export class EvaluationState {
  threshold = $state(0.5);
  result = $state.raw<Evaluation | null>(null);
  loading = $state(false);
  readonly #evaluate: LatestOnly<number>;

  constructor(
    private readonly api: CatnetApi,
    private readonly run: Run,
  ) {
    this.#evaluate = new LatestOnly(async (threshold) => {
      const result = await this.run('Evaluating the model', () => this.api.evaluate(threshold));
      if (result !== undefined) this.result = result;
    });
  }

  setThreshold(t: number): void {
    this.threshold = Math.min(1, Math.max(0, t));
    void this.refresh();
  }

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      await this.#evaluate.push(this.threshold);
    } finally {
      this.loading = this.#evaluate.busy;
    }
  }

  reset(): void {
    this.threshold = 0.5;
    this.result = null;
  }
}
