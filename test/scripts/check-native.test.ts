// scripts/check-native.mjs, the gate .ci/run uses where it has a C toolchain (CATNET_REQUIRE_NATIVE=1):
// it must fail, naming each file, on a folder without the addons, and pass on this checkout's build.
// With CATNET_REQUIRE_NATIVE=1 the second test never skips: a failed native build fails CI.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { appRoot } from '../../src-core/paths.js';

const script = join(appRoot(), 'scripts', 'check-native.mjs');
const release = join(appRoot(), 'build', 'Release');
const required = process.env.CATNET_REQUIRE_NATIVE === '1';
const built = ['catnet_kernels', 'catnet_jpeg'].every((name) => existsSync(join(release, `${name}.node`)));
if (!built && !required) console.warn('check-native on this checkout skipped: the native addons are not built here');

const empty = mkdtempSync(join(tmpdir(), 'catnet-check-native-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

it('fails and names both files when the addons are missing', () => {
  const run = spawnSync(process.execPath, [script, empty], { encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(join(empty, 'catnet_kernels.node'));
  expect(run.stderr).toContain(join(empty, 'catnet_jpeg.node'));
});

it.skipIf(!built && !required)('passes on this checkout: both addons load with their functions', () => {
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/native kernels load \(\{"isa":"/);
});
