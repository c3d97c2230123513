// scripts/build-native.mjs on a copy of the native sources whose fast JPEG file does not compile:
// the kernels addon must still be built (JPEGs then go to sharp) and the message must name the
// compiler's error. Builds for real (about 20 s); skips when there is no C toolchain.

import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { appRoot } from '../../src-core/paths.js';

function hasToolchain(): boolean {
  try {
    for (const tool of ['cc', 'make', 'python3']) execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const toolchain = hasToolchain();
const jpeg =
  toolchain && execFileSync(process.execPath, [join(appRoot(), 'scripts', 'has-libjpeg.mjs')]).toString() === '1';
if (!toolchain) console.warn('build-native test skipped: no cc, make or python3 on this machine');
else if (!jpeg)
  console.warn('build-native test skipped: libjpeg headers are missing, so there is no JPEG build to break');

const dir = mkdtempSync(join(tmpdir(), 'catnet-build-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.skipIf(!jpeg)(
  'a JPEG addon that does not compile still leaves a working kernels addon',
  () => {
    cpSync(join(appRoot(), 'binding.gyp'), join(dir, 'binding.gyp'));
    cpSync(join(appRoot(), 'scripts'), join(dir, 'scripts'), { recursive: true });
    mkdirSync(join(dir, 'src-core'));
    cpSync(join(appRoot(), 'src-core', 'native'), join(dir, 'src-core', 'native'), { recursive: true });
    appendFileSync(join(dir, 'src-core', 'native', 'jpeg', 'jpeg64.c'), '\n#error broken on purpose\n');
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'build-native.mjs')], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/built the native kernels without the fast JPEG path/);
    expect(run.stderr).toMatch(/broken on purpose/);
    expect(existsSync(join(dir, 'build', 'Release', 'catnet_kernels.node'))).toBe(true);
    expect(existsSync(join(dir, 'build', 'Release', 'catnet_jpeg.node'))).toBe(false);
    const info = execFileSync(process.execPath, [
      '-e',
      'console.log(JSON.stringify(require(process.argv[1]).info()))',
      join(dir, 'build', 'Release', 'catnet_kernels.node'),
    ]).toString();
    expect(JSON.parse(info).threads).toBeGreaterThan(0);
  },
  600_000, // a real build: about 20 s of CPU, several minutes of wall time on a shared machine
);
