// Turns whatever an API call rejected with into one line a person can read. Both transports reject
// with an Error whose message is the back end's own (already written for people).

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'error' in err && typeof err.error === 'string') return err.error;
  return 'Something went wrong (no details were given).';
}

/**
 * Runs an API call for a section; on failure it is reported (the app's banner) as "<what> failed:
 * <message>" and the result is undefined. AppState.run is the one the sections are given.
 */
export type Run = <T>(what: string, call: () => Promise<T>) => Promise<T | undefined>;
