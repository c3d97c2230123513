// Turns whatever an API call rejected with into one line a person can read. Both transports reject
// with an Error whose message is the back end's own (already written for people).

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'error' in err && typeof err.error === 'string') return err.error;
  return 'Something went wrong (no details were given).';
}
