// The NEON kernels cannot run natively on an x86 machine: when an AArch64 cross compiler and
// qemu-aarch64 are installed (Debian: gcc-aarch64-linux-gnu, qemu-user), cross-compile the kernels
// with native-isa-check.c and run it emulated; it compares NEON against the scalar kernels.
// On an arm64 machine the main native tests already run NEON for real.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../../src-core/paths.js';
import { PORTABLE_NATIVE_SOURCES } from '../../helpers/native-kernels.js';

const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const ready = process.arch !== 'arm64' && has('aarch64-linux-gnu-gcc') && has('qemu-aarch64');
if (!ready && process.arch !== 'arm64')
  console.warn(
    'NEON check skipped: needs aarch64-linux-gnu-gcc and qemu-aarch64 (apt: gcc-aarch64-linux-gnu qemu-user)',
  );

describe.skipIf(!ready)('NEON kernels (cross-compiled, run under qemu-aarch64)', () => {
  it('agree with the scalar kernels on every operation', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'catnet-neon-'));
    try {
      const root = appRoot();
      const native = (f: string) => join(root, 'src-core', 'native', f);
      const exe = join(dir, 'neon-check');
      execFileSync('aarch64-linux-gnu-gcc', [
        '-std=gnu11',
        '-O2',
        '-static',
        '-Wall',
        '-Werror',
        '-Wno-unused-parameter',
        join(root, 'test', 'core', 'kernels', 'native-isa-check.c'),
        ...[...PORTABLE_NATIVE_SOURCES, 'kernels_neon.c'].map(native),
        '-lm',
        '-lpthread',
        '-o',
        exe,
      ]);
      const run = spawnSync('qemu-aarch64', [exe], { encoding: 'utf8' });
      expect(run.stdout.trim(), run.stderr).toMatch(/^ok neon \d+$/);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
