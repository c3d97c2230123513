// The main-thread side of training (CLI, Electron main, browser-mode server): runs train() in a
// worker thread so the caller never blocks, forwards progress, cancels within one iteration, and
// turns a dead worker into a rejected promise (the caller keeps its previous model).

import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { NetworkConfig } from '../nn/model.js';
import { distFile } from '../paths.js';
import { isTrainErrorCode, TrainError } from './errors.js';
import type { InitialModel, TrainingInput, TrainOptions, TrainProgress, TrainResult } from './options.js';
import type { ToWorker, WorkerMessage } from './protocol.js';

export interface WorkerHooks {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

/** One training run in its own worker thread. */
export class TrainingWorker {
  readonly result: Promise<TrainResult>;
  private readonly worker: Worker;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    data: TrainingInput,
    options: TrainOptions,
    hooks: WorkerHooks = {},
    workerFile = distFile('core', 'worker.mjs'),
  ) {
    if (!existsSync(workerFile)) {
      throw new TrainError(
        'worker-missing',
        `the training worker ${workerFile} is missing; run \`npm run build\` first`,
      );
    }
    this.worker = new Worker(workerFile);
    const worker = this.worker;
    const onAbort = () => this.cancel();
    this.result = new Promise<TrainResult>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        hooks.signal?.removeEventListener('abort', onAbort);
        outcome();
        void worker.terminate();
      };
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'progress':
            hooks.onProgress?.(message.progress);
            return;
          case 'done':
            settle(() => resolve(message.result));
            return;
          case 'error':
            settle(() =>
              reject(
                new TrainError(
                  isTrainErrorCode(message.code) ? message.code : 'internal',
                  `training failed: ${message.message}`,
                ),
              ),
            );
            return;
          case 'start':
          case 'cancel':
            return; // main -> worker messages
        }
      });
      worker.on('error', (error) =>
        settle(() =>
          reject(
            new TrainError(
              'worker-crashed',
              `the training worker crashed: ${error.message}; the previous model is kept`,
            ),
          ),
        ),
      );
      worker.on('exit', (code) =>
        settle(() =>
          reject(
            new TrainError(
              'worker-crashed',
              `the training worker stopped unexpectedly (exit code ${code}); the previous model is kept`,
            ),
          ),
        ),
      );
    });
    const initial = options.initialModel ? packInitialModel(options.initialModel) : null; // copy, transferred
    const start: ToWorker = {
      type: 'start',
      data,
      options: initial ? { ...options, initialModel: initial.model } : options,
      cancelFlag: this.cancelFlag,
    };
    try {
      worker.postMessage(start, initial ? [initial.buffer] : []);
    } catch (error) {
      this.result.catch(() => {}); // the worker's exit is not the error to report: this is
      void worker.terminate();
      throw new TrainError(
        'bad-data',
        `cannot send the training data to the worker: ${error instanceof Error ? error.message : error}`,
      );
    }
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    if (hooks.signal?.aborted) this.cancel();
  }

  /** Stops within one iteration; `result` then resolves with stopped: 'cancelled'. */
  cancel(): void {
    Atomics.store(this.cancelFlag, 0, 1);
    const message: ToWorker = { type: 'cancel' };
    this.worker.postMessage(message);
  }

  /** Kills the worker (as a crash would); `result` rejects unless it already settled. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * A copy of the starting parameters in one fresh buffer, to be transferred to the worker: the caller's
 * model (the app's current one) stays intact and usable, and nothing else shares the buffer.
 */
function packInitialModel(initial: InitialModel): { model: InitialModel; buffer: ArrayBuffer } | null {
  const { config, params } = initial;
  const lists = [params?.W, params?.b, params?.convW ?? [], params?.convB ?? []];
  // Malformed: sent as given, and train() in the worker says what is wrong.
  if (!Array.isArray(config?.layerDims) || !Array.isArray(config?.activations)) return null;
  if (!lists.every((list) => Array.isArray(list) && list.every((a) => a instanceof Float32Array))) return null;
  const arrays = lists.flat() as Float32Array[];
  const slab = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  const view = (a: Float32Array) => {
    const v = slab.subarray(offset, offset + a.length);
    v.set(a);
    offset += a.length;
    return v;
  };
  const [W, b, convW, convB] = lists.map((list) => (list as Float32Array[]).map(view));
  const copied: NetworkConfig = {
    ...(config.features ? { features: config.features.map((f) => ({ ...f })) } : {}),
    layerDims: [...config.layerDims],
    activations: [...config.activations],
  };
  const conv = params.convW ? { convW, convB } : {};
  return { model: { config: copied, params: { W, b, ...conv } }, buffer: slab.buffer };
}

/** train() in a worker thread: resolves with the result, rejects if training fails or the worker dies. */
export async function trainInWorker(
  data: TrainingInput,
  options: TrainOptions,
  hooks: WorkerHooks = {},
): Promise<TrainResult> {
  return new TrainingWorker(data, options, hooks).result;
}
