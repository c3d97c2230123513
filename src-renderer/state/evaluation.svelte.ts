// Section 3, Evaluate: metrics of the current model at the chosen threshold. Slider moves are
// coalesced: at most one request in flight, and the newest threshold always wins.

import type { Evaluation } from '../../src-main/contract.js';
import type { AppState } from './app.svelte.js';

export class EvaluationState {
  threshold = $state(0.5);
  result = $state.raw<Evaluation | null>(null);
  loading = $state(false);
  #inFlight: Promise<void> | null = null;
  #again = false;

  constructor(private readonly app: AppState) {}

  setThreshold(t: number): void {
    this.threshold = Math.min(1, Math.max(0, t));
    void this.refresh();
  }

  async refresh(): Promise<void> {
    if (this.#inFlight) {
      this.#again = true;
      return this.#inFlight;
    }
    this.#inFlight = this.#evaluateUntilCurrent();
    try {
      await this.#inFlight;
    } finally {
      this.#inFlight = null;
    }
  }

  async #evaluateUntilCurrent(): Promise<void> {
    this.loading = true;
    try {
      do {
        this.#again = false;
        const threshold = this.threshold;
        const result = await this.app.run('Evaluating the model', () => this.app.api.evaluate(threshold));
        if (result !== undefined) this.result = result;
      } while (this.#again);
    } finally {
      this.loading = false;
    }
  }

  reset(): void {
    this.threshold = 0.5;
    this.result = null;
  }
}
