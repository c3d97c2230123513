// What to do about a training failure. The back end's message says what happened; this adds the
// next step in words, decided on the failure's code (train/errors.ts), never on the message text.

import type { TrainErrorCode } from '../../src-main/contract.js';

export function trainErrorAdvice(code: TrainErrorCode): string {
  switch (code) {
    case 'bad-initial-model':
      return 'Untick "Continue from the current model" to train these settings from scratch, or set the network to the model\'s as the message says.';
    case 'diverged':
      return 'The cost blew up. Lower the learning rate (for example divide it by 10), or use the "course" or "he" initialisation, then train again.';
    case 'no-data':
    case 'bad-data':
      return 'Add more images: each class needs images in its training folder (a few dozen at least), then train again.';
    case 'too-little-memory':
      return 'These settings need more memory than this machine can spare. Use a mini-batch (e.g. 32), fewer filters or units, then train again.';
    case 'bad-layers':
      return 'Change the layers in Custom… (for example c16,p,c32,p,64 or 20,7,5), then train again.';
    case 'bad-option':
      return 'Change the setting the message names in Custom…, then train again.';
    case 'worker-busy':
      return 'A run is still finishing: wait a moment, then press Train again.';
    case 'worker-missing':
    case 'worker-crashed':
      return 'The training process stopped unexpectedly. Try a mini-batch size (e.g. 32) or a smaller network, then train again.';
    case 'cancelled':
      return 'Training was stopped. Press Train to start again.';
    case 'internal':
      return 'Check the settings above and train again. Your last good model (if any) is kept.';
    default: {
      const never: never = code;
      return `Train again (unknown failure ${String(never)}).`;
    }
  }
}
