// Shared cache of 64x64 thumbnails (PNG data URLs) by image id. Grids ask for the ids they show;
// missing ones are fetched in batches (the API takes at most 500 ids a call). Ids are stable for a
// project's life, so the cache is cleared only when the project changes.

import { SvelteMap } from 'svelte/reactivity';
import { batches } from './grid-window.js';

const BATCH = 120;
const MAX_RETRIES = 5;
const RETRY_MS = 1000;

export class ThumbnailCache {
  readonly urls = new SvelteMap<number, string>();
  /** Bumped a while after a failed fetch; grids read it so they ask again (a few times at most). */
  retryTick = $state(0);
  #failures = 0;
  #pending = new Set<number>();
  #generation = 0;

  /** `fetch` is api.thumbnails (project images) or api.batchThumbnails (a classified folder's rows). */
  constructor(private readonly fetch: (ids: number[]) => Promise<Record<number, string>>) {}

  /** Starts fetching the ids not cached or in flight; never throws (a missing thumbnail stays grey). */
  request(ids: readonly number[]): void {
    const missing = ids.filter((id) => !this.urls.has(id) && !this.#pending.has(id));
    if (missing.length === 0) return;
    const generation = this.#generation;
    for (const batch of batches(missing, BATCH)) {
      for (const id of batch) this.#pending.add(id);
      this.fetch(batch)
        .then((found) => {
          if (generation !== this.#generation) return;
          this.#failures = 0;
          for (const id of batch) {
            const url = found[id];
            if (url) this.urls.set(id, url);
          }
        })
        .catch(() => {
          // Thumbnails are decoration: the grid keeps a placeholder and asks again a little later.
          if (++this.#failures <= MAX_RETRIES) setTimeout(() => this.retryTick++, RETRY_MS * this.#failures);
        })
        .finally(() => {
          for (const id of batch) this.#pending.delete(id);
        });
    }
  }

  clear(): void {
    this.#generation++;
    this.#pending.clear();
    this.urls.clear();
  }
}
