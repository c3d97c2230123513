// The images of one role (e.g. training "Cat"), fetched page by page as the virtual grid scrolls to
// them. Holds only what has been looked at; `reset()` drops everything after the set changes.

import { SvelteMap } from 'svelte/reactivity';
import type { CatnetApi, ImageEntry, Role } from '../../src-main/contract.js';

export const PAGE_SIZE = 500;

export class ImageGridState {
  readonly pages = new SvelteMap<number, ImageEntry[]>();
  #loading = new Set<number>();
  #generation = 0;

  constructor(
    private readonly api: CatnetApi,
    readonly role: Role,
  ) {}

  /** Entry at index `i`, or undefined while its page is loading. */
  entry(i: number): ImageEntry | undefined {
    return this.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  }

  loadPage(page: number): void {
    if (this.pages.has(page) || this.#loading.has(page)) return;
    const generation = this.#generation;
    this.#loading.add(page);
    this.api
      .listImages(this.role, page * PAGE_SIZE, PAGE_SIZE)
      .then((result) => {
        if (generation === this.#generation) this.pages.set(page, result.images);
      })
      .catch(() => {
        // Leave the page unloaded: the next scroll asks again.
      })
      .finally(() => {
        if (generation === this.#generation) this.#loading.delete(page);
      });
  }

  /** Drops every page; pages being fetched are fetched again (no effect re-runs for a page never shown). */
  reset(): void {
    const wanted = [...this.#loading];
    this.#generation++;
    this.#loading.clear();
    this.pages.clear();
    for (const page of wanted) this.loadPage(page);
  }
}
