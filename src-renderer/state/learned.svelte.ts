// "What the network learned", next to the prediction: the current model's first layer as pictures
// (fetched once per model), and the saliency map (and CNN feature maps) of the image last classified.
// Takes only the API; the panel tells it which model and which image it shows.

import type { CatnetApi, Explanation, LearnedFeatures } from '../../src-main/contract.js';
import { errorMessage } from './errors.js';
import { LatestOnly } from './latest-only.js';

export class LearnedState {
  features = $state.raw<LearnedFeatures | null>(null);
  explanation = $state.raw<Explanation | null>(null);
  /** What the explanation belongs to: `for(model, input)` of the request that made it. */
  explained = $state<string | null>(null);
  busy = $state(false);
  /** Why the last fetch failed (shown in the panel). */
  error = $state<string | null>(null);
  readonly #explain: LatestOnly<{ model: string; input: string }>;

  constructor(private readonly api: CatnetApi) {
    this.#explain = new LatestOnly(async ({ model, input }) => {
      try {
        this.explanation = await this.api.explainImage(input);
        this.explained = LearnedState.for(model, input);
        this.error = null;
      } catch (err) {
        this.explanation = null;
        this.error = `Explaining the image failed: ${errorMessage(err)}`;
      }
    });
  }

  /** The first layer of the model now current (none: clears). */
  async loadFeatures(hasModel: boolean): Promise<void> {
    if (!hasModel) {
      this.reset();
      return;
    }
    try {
      this.features = await this.api.learnedFeatures();
    } catch (err) {
      this.features = null;
      this.error = `Reading the first layer failed: ${errorMessage(err)}`;
    }
  }

  /** The key of an explanation: the model it came from (any string that changes with it) and the input. */
  static for(model: string, input: string): string {
    return `${model}\n${input}`;
  }

  /** Saliency (and feature maps) of a prediction's 64x64 input under `model`; the newest request wins. */
  async explain(model: string, input: string): Promise<void> {
    this.busy = true;
    try {
      await this.#explain.push({ model, input });
    } finally {
      this.busy = this.#explain.busy;
    }
  }

  reset(): void {
    this.features = null;
    this.explanation = null;
    this.explained = null;
    this.error = null;
  }
}
