// Training failures with a code, so callers (the app's advice, the CLI's exit codes) decide on the
// code and show the message as it is. The code survives the worker boundary (see protocol.ts).

/**
 * Every code a training failure can carry:
 * - 'no-data': no images to train on, or a split that leaves a side empty;
 * - 'bad-data': pixel or label arrays that do not describe the images they claim;
 * - 'bad-option': an option out of range (learning rate, epochs, batch size, augmentation, ...);
 * - 'bad-layers': a network (layers text or config) catnet cannot build;
 * - 'bad-initial-model': the model to continue from does not fit the requested network;
 * - 'too-little-memory': the memory estimate exceeds the safe share of this machine, or allocation failed;
 * - 'diverged', 'cancelled': outcomes train() reports in TrainResult.stopped, never throws; callers
 *   that turn them into a failure (an app event, an exit code) use these codes;
 * - 'worker-missing', 'worker-crashed', 'worker-busy': the training worker could not run or died;
 * - 'internal': anything else (a bug: the message says what happened).
 */
export const TRAIN_ERROR_CODES = [
  'no-data',
  'bad-data',
  'bad-option',
  'bad-layers',
  'bad-initial-model',
  'too-little-memory',
  'diverged',
  'cancelled',
  'worker-missing',
  'worker-crashed',
  'worker-busy',
  'internal',
] as const;

export type TrainErrorCode = (typeof TRAIN_ERROR_CODES)[number];

export class TrainError extends Error {
  readonly code: TrainErrorCode;

  constructor(code: TrainErrorCode, message: string) {
    super(message);
    this.name = 'TrainError';
    this.code = code;
  }
}

export function isTrainErrorCode(x: unknown): x is TrainErrorCode {
  return typeof x === 'string' && (TRAIN_ERROR_CODES as readonly string[]).includes(x);
}

/**
 * Any thrown value as a TrainError: TrainErrors as they are; a failed allocation (V8's RangeError
 * "Array buffer allocation failed" / "Invalid typed array length") as 'too-little-memory'; anything
 * else with `fallback`.
 */
export function asTrainError(error: unknown, fallback: TrainErrorCode = 'internal'): TrainError {
  if (error instanceof TrainError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /allocation failed|invalid typed array length|array buffer/i.test(message))
    return new TrainError(
      'too-little-memory',
      `not enough memory for these settings (${message}); use a smaller batch size or fewer units`,
    );
  return new TrainError(fallback, message);
}
