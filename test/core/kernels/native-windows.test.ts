// The kernels built for Windows: when mingw-w64 and wine are installed (Debian: gcc-mingw-w64-x86-64,
// wine), cross-compile the kernels (each ISA file with its own flags, as binding.gyp does) with
// native-isa-check.c and run it under wine; it compares the best ISA the CPU offers against the
// scalar kernels. Checks the Windows-specific code paths of dispatch.c, threads.c and ops.c (CPUID,
// processor count, aligned scratch) on a real Windows C runtime. The Node addon itself is not built.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../../src-core/paths.js';
import { PORTABLE_NATIVE_SOURCES } from '../../helpers/native-kernels.js';

const CC = 'x86_64-w64-mingw32-gcc';
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const ready = process.arch === 'x64' && has(CC) && has('wine');
if (!ready) console.warn(`Windows build check skipped: needs ${CC} and wine (apt: gcc-mingw-w64-x86-64 wine)`);

describe.skipIf(!ready)('kernels built with mingw-w64, run under wine', () => {
  it('agree with the scalar kernels on every operation', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'catnet-win-'));
    try {
      const root = appRoot();
      const native = (f: string) => join(root, 'src-core', 'native', f);
      const flags = ['-std=gnu11', '-O2', '-Wall', '-Werror', '-Wno-unused-parameter'];
      const isaObjects = [
        ['kernels_avx2.c', ['-mavx2', '-mfma']],
        ['kernels_avx512.c', ['-mavx512f', '-mavx2', '-mfma']],
      ].map(([file, isa]) => {
        const out = join(dir, `${file}.o`);
        execFileSync(CC, [...flags, ...(isa as string[]), '-c', native(file as string), '-o', out]);
        return out;
      });
      const exe = join(dir, 'isa-check.exe');
      execFileSync(CC, [
        ...flags,
        join(root, 'test', 'core', 'kernels', 'native-isa-check.c'),
        ...PORTABLE_NATIVE_SOURCES.map(native),
        ...isaObjects,
        '-static',
        '-lpthread',
        '-o',
        exe,
      ]);
      const run = spawnSync('wine', [exe], { encoding: 'utf8', env: { ...process.env, WINEDEBUG: '-all' } });
      expect(run.stdout.trim(), run.stderr).toMatch(/^ok (avx512|avx2|scalar) \d+$/);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
