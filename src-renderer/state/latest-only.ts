// Runs an async task for the newest value only: at most one run in flight; values pushed meanwhile
// collapse into a single further run with the last of them. Used for the threshold slider, which
// fires far faster than the back end evaluates. Pure (no Svelte), tested in test/renderer.

export class LatestOnly<T> {
  #running: Promise<void> | null = null;
  #next: { value: T } | null = null;

  constructor(private readonly task: (value: T) => Promise<void>) {}

  /** Resolves when the run that covers `value` (or a newer one) has finished. */
  push(value: T): Promise<void> {
    this.#next = { value };
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  get busy(): boolean {
    return this.#running !== null;
  }

  async #drain(): Promise<void> {
    while (this.#next) {
      const { value } = this.#next;
      this.#next = null;
      try {
        await this.task(value);
      } catch {
        // The task reports its own errors; a failed run must not stop the newer values.
      }
    }
  }
}
