// Going over many examples a chunk at a time: every pass over a data set (cost, prediction, the app's
// scoring) walks [start, start + count) ranges from this one generator.

/** The ranges [start, start + count) covering 0..m-1 in order, each at most `size` long. */
export function* chunks(m: number, size: number): Generator<[start: number, count: number]> {
  if (!(size >= 1)) throw new Error(`chunks: chunk size must be at least 1, got ${size}`);
  for (let start = 0; start < m; start += size) yield [start, Math.min(size, m - start)];
}
