// A bounded parallel loop: at most `concurrency` calls in flight, items taken in order. Enough to keep
// sharp's thread pool (and the file system's) busy on every core without queueing thousands of images.

/** Calls fn(i) for i = 0..n-1 with at most `concurrency` pending; stops starting new ones once aborted. */
export async function forEachParallel(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n && !signal?.aborted) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, lane));
  if (signal?.aborted) throw abortError(signal);
}

/** The error a cancelled import rejects with: the signal's reason when it is an Error, else an AbortError. */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The import was cancelled', 'AbortError');
}

/**
 * For long synchronous loops on the main thread: the returned function resolves at once until
 * `sliceMs` have passed since the last pause, then lets the event loop turn (setImmediate) once.
 * Call it every iteration; it costs one clock read when no pause is due.
 */
export function eventLoopBreather(sliceMs: number): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        sliceStart = performance.now();
        resolve();
      }),
    );
  };
}
