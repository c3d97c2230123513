// select.ts: native when the addon loads, the reference (with the reason) when it does not, and
// CATNET_BACKEND forcing either. Each case re-imports select.ts so its once-per-thread choice is fresh.
import { afterEach, describe, expect, it, vi } from 'vitest';

const saved = process.env.CATNET_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.CATNET_BACKEND;
  else process.env.CATNET_BACKEND = saved;
  vi.doUnmock('../../../src-core/kernels/native.js');
  vi.resetModules();
});

async function freshSelect() {
  vi.resetModules();
  return import('../../../src-core/kernels/select.js');
}

let built = true;
try {
  (await import('../../../src-core/kernels/native.js')).nativeKernels();
} catch (error) {
  built = false;
  console.warn(`native selection case skipped: addon not built (${(error as Error).message.split('\n')[0]})`);
}

describe('getKernels / backendInfo', () => {
  it.skipIf(!built)('uses the native addon by default and reports its ISA and threads', async () => {
    delete process.env.CATNET_BACKEND;
    const { getKernels, backendInfo } = await freshSelect();
    expect(getKernels()).toBe(getKernels());
    const info = backendInfo();
    expect(info.backend).toBe('native');
    expect(['avx512', 'avx2', 'neon', 'scalar']).toContain(info.isa);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('CATNET_BACKEND=reference forces the TypeScript kernels and says so', async () => {
    process.env.CATNET_BACKEND = 'reference';
    const { backendInfo } = await freshSelect();
    expect(backendInfo()).toEqual({ backend: 'reference', isa: 'js', threads: 1, reason: 'CATNET_BACKEND=reference' });
  });

  it('an unknown CATNET_BACKEND falls back to the reference with the reason', async () => {
    process.env.CATNET_BACKEND = 'gpu';
    const { backendInfo } = await freshSelect();
    expect(backendInfo().backend).toBe('reference');
    expect(backendInfo().reason).toContain('CATNET_BACKEND=gpu');
  });

  it('falls back to the reference, with the loader message, when the addon does not load', async () => {
    delete process.env.CATNET_BACKEND;
    vi.doMock('../../../src-core/kernels/native.js', () => ({
      nativeKernels: () => {
        throw new Error('No native build was found for platform=linux arch=x64');
      },
    }));
    const { backendInfo } = await freshSelect();
    expect(backendInfo()).toMatchObject({
      backend: 'reference',
      reason: 'native addon not built: No native build was found for platform=linux arch=x64',
    });
  });

  it('CATNET_BACKEND=native with no addon is an error that says what to do', async () => {
    process.env.CATNET_BACKEND = 'native';
    vi.doMock('../../../src-core/kernels/native.js', () => ({
      nativeKernels: () => {
        throw new Error('No native build was found');
      },
    }));
    const { getKernels } = await freshSelect();
    expect(() => getKernels()).toThrow(/CATNET_BACKEND=native but the native kernels addon did not load.*build-native/);
  });
});
