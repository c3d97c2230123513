// The worker_threads entry (built to dist/core/worker.mjs): runs train() for one 'start' message and
// reports back. It never touches files; the main thread owns the data and the model.

import { parentPort } from 'node:worker_threads';
import { asTrainError } from './errors.js';
import type { FromWorker, WorkerMessage } from './protocol.js';
import { train } from './train.js';

const port = parentPort;
if (!port) throw new Error('catnet: src-core/train/worker is a worker_threads entry; start it with new Worker()');

const post = (message: FromWorker) => port.postMessage(message);
let controller: AbortController | null = null;

port.on('message', async (message: WorkerMessage) => {
  switch (message.type) {
    case 'start': {
      if (controller) {
        post({ type: 'error', code: 'worker-busy', message: 'this worker is already training; start another worker' });
        return;
      }
      controller = new AbortController();
      try {
        const result = await train(message.data, message.options, {
          onProgress: (progress) => post({ type: 'progress', progress }),
          signal: controller.signal,
          cancelFlag: message.cancelFlag,
        });
        post({ type: 'done', result });
      } catch (error) {
        const { code, message } = asTrainError(error);
        post({ type: 'error', code, message });
      }
      return;
    }
    case 'cancel':
      controller?.abort();
      return;
    case 'progress':
    case 'done':
    case 'error':
      return; // worker -> main messages; never sent to the worker
  }
});
