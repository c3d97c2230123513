// Test helpers for driving src-main's Backend directly: unwrap an API response, wait for an event,
// and run the real train() in the test's thread instead of a worker.

import type { TrainOptions, TrainResult } from '../../src-core/train/options.js';
import { train } from '../../src-core/train/train.js';
import type { Backend } from '../../src-main/backend.js';
import type { ApiResponse, AppEvent } from '../../src-main/contract.js';
import type { StartTrainer } from '../../src-main/services/training.js';

/** The `ok` value of an API response; throws with the back end's message on `{ error }`. */
export function ok<T>(response: ApiResponse): T {
  if ('error' in response) throw new Error(`API error: ${response.error}`);
  return response.ok as T;
}

/** Resolves with the next event of `type` the back end emits. */
export function nextEvent(backend: Backend, type: AppEvent['type']): Promise<AppEvent> {
  return new Promise<AppEvent>((resolve) => {
    const off = backend.events.subscribe((e) => {
      if (e.type === type) {
        off();
        resolve(e);
      }
    });
  });
}

/** A trainer that fails at once: for tests where no call may start real training work. */
export const refusingTrainer: StartTrainer = () => ({
  result: Promise.reject(new Error('stand-in trainer')),
  cancel: () => undefined,
  terminate: async () => undefined,
});

/** A trainer that runs the real train() in this thread, telling `onResult` what each run gave. */
export function inProcessTrainer(onResult: (options: TrainOptions, result: TrainResult) => void): StartTrainer {
  return (data, options, onProgress) => {
    const controller = new AbortController();
    return {
      result: train(data, options, { onProgress, signal: controller.signal }).then((result) => {
        onResult(options, result);
        return result;
      }),
      cancel: () => controller.abort(),
      terminate: async () => controller.abort(),
    };
  };
}
