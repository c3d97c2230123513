// engineInfo: what the UI shows in its footer: app version and the kernels in use (native SIMD addon
// or the TypeScript reference, with the reason) for this process.

import { getKernels } from '../../src-core/kernels/select.js';
import { appVersion } from '../../src-core/paths.js';
import type { EngineInfo } from '../contract.js';

export function engineInfo(transport: EngineInfo['transport']): EngineInfo {
  const { info } = getKernels();
  return {
    version: appVersion(),
    backend: info.backend,
    isa: info.isa,
    threads: info.threads,
    ...(info.reason ? { reason: info.reason } : {}),
    transport,
  };
}

/** Short backend label for progress events, e.g. 'native avx512 x2' or 'reference'. */
export function backendLabel(): string {
  const { info } = getKernels();
  return info.backend === 'native' ? `native ${info.isa} x${info.threads}` : 'reference';
}
