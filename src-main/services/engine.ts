// engineInfo: what the UI shows in its footer: app version, the kernels in use (native SIMD addon
// or the TypeScript reference, with the reason) and the JPEG decoder for this process.

import { jpegDecoderInfo } from '../../src-core/data/jpeg-fast.js';
import { getKernels } from '../../src-core/kernels/select.js';
import { appVersion } from '../../src-core/paths.js';
import type { EngineInfo } from '../contract.js';

export function engineInfo(transport: EngineInfo['transport']): EngineInfo {
  const { info } = getKernels();
  const jpeg = jpegDecoderInfo();
  return {
    version: appVersion(),
    backend: info.backend,
    isa: info.isa,
    threads: info.threads,
    ...(info.reason ? { reason: info.reason } : {}),
    jpegDecoder: jpeg.decoder,
    ...(jpeg.reason ? { jpegReason: jpeg.reason } : {}),
    transport,
  };
}

/** Short backend label for progress events, e.g. 'native avx512 x2' or 'reference'. */
export function backendLabel(): string {
  const { info } = getKernels();
  return info.backend === 'native' ? `native ${info.isa} x${info.threads}` : 'reference';
}
