// Chooses the kernels once per process (or worker): the native addon when it loads, else the
// TypeScript reference. CATNET_BACKEND=reference|native forces a backend.
// (Skeleton: the native helper replaces this with addon loading and CATNET_ISA handling.)

import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference.js';

let chosen: Kernels | undefined;

export function getKernels(): Kernels {
  chosen ??= referenceKernels({ reason: 'native kernels not built yet' });
  return chosen;
}
