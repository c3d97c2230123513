// What the current model says about the project's images, kept while the model and images stay the
// same: each image's probability (for the grids) and the last evaluation's scored split (a new
// threshold on the same model, images and split reuses it). Cleared whenever the model changes.

import type { Model } from '../../src-core/nn/model.js';
import type { Evaluation, ImageEntry } from '../contract.js';
import { evaluationAt, type ScoredSplit, scoreSplit } from './evaluation.js';
import type { LibraryImage } from './library.js';
import { predictChunked } from './predict-chunked.js';

interface ScoredKey {
  model: Model;
  images: readonly LibraryImage[];
  fraction: number;
  seed: number;
}

export class EvaluationCache {
  /** Probabilities of images under the current model, by id. */
  private readonly probabilities = new Map<number, number>();
  private scored: (ScoredKey & { split: Promise<ScoredSplit> }) | null = null;

  clear(): void {
    this.probabilities.clear();
    this.scored = null;
  }

  /** The entries with the model's probability of each (computed for the ones not seen yet). */
  async withProbabilities(
    model: Model,
    entries: ImageEntry[],
    vectorOf: (id: number) => Uint8Array,
  ): Promise<ImageEntry[]> {
    const missing = entries.filter((i) => !this.probabilities.has(i.id));
    if (missing.length > 0) {
      const P = await predictChunked(
        model,
        missing.map((entry) => vectorOf(entry.id)),
        missing.length,
      );
      for (const [k, entry] of missing.entries()) this.probabilities.set(entry.id, P[k]!);
    }
    return entries.map((i) => ({ ...i, probability: this.probabilities.get(i.id) }));
  }

  /** Metrics at `threshold`; scores the split only when model, images, fraction or seed changed. */
  async evaluate(key: ScoredKey, threshold: number): Promise<Evaluation> {
    const last = this.scored;
    if (
      !last ||
      last.model !== key.model ||
      last.images !== key.images ||
      last.fraction !== key.fraction ||
      last.seed !== key.seed
    ) {
      const split = scoreSplit(key.model, key.images, { fraction: key.fraction, seed: key.seed });
      this.scored = { ...key, split };
      // A failed scoring is not kept: the next call tries again.
      split.catch(() => {
        if (this.scored?.split === split) this.scored = null;
      });
    }
    return evaluationAt(await this.scored!.split, threshold);
  }
}
