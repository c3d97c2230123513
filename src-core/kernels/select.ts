// Chooses the kernels once per thread (main or worker): the native addon when it loads, else the
// TypeScript reference with the reason, which the UI shows. CATNET_BACKEND=reference|native forces
// a backend (native then throws if the addon cannot load); CATNET_ISA and CATNET_THREADS are read by
// the addon itself (docs/README-native.md).

import type { BackendInfo, Kernels } from './kernels.js';
import { nativeKernels } from './native.js';
import { referenceKernels } from './reference.js';

let chosen: Kernels | undefined;

function choose(): Kernels {
  const forced = process.env.CATNET_BACKEND?.trim().toLowerCase();
  if (forced === 'reference') return referenceKernels({ reason: 'CATNET_BACKEND=reference' });
  if (forced && forced !== 'native') {
    return referenceKernels({ reason: `CATNET_BACKEND=${forced} is not 'native' or 'reference'; using the reference` });
  }
  try {
    return nativeKernels();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (forced === 'native') {
      throw new Error(
        `CATNET_BACKEND=native but the native kernels addon did not load: ${message}. ` +
          'Build it with `node scripts/build-native.mjs` (needs a C compiler, make and python3), or unset CATNET_BACKEND.',
      );
    }
    return referenceKernels({ reason: `native addon not built: ${message}` });
  }
}

/** The kernels every computation in this thread uses (chosen on first call). */
export function getKernels(): Kernels {
  chosen ??= choose();
  return chosen;
}

/** Which backend, instruction set and thread count are in use, and why if not native. */
export function backendInfo(): BackendInfo {
  return getKernels().info;
}
