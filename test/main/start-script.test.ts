// `npm start`'s launcher (scripts/start.mjs): without an Electron binary it prints one sentence that
// names the fix and browser mode, exit code 1, no stack; with one (a stand-in script here) it runs
// it on the app folder and passes its exit code through.

import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectron } from '../../scripts/electron-binary.mjs';

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['scripts/start.mjs', '--flag'], { env: { ...process.env, ...env }, encoding: 'utf8' });

describe('scripts/start.mjs', () => {
  it('explains a missing Electron binary in one sentence and exits 1', () => {
    const result = run({ ELECTRON_OVERRIDE_DIST_PATH: join(tmpdir(), 'no-electron-here') });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^catnet cannot start the desktop app: /);
    expect(lines[0]).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    expect(lines[0]).toContain('npm run web');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // With no override the launcher looks in the electron package; a real binary there means no download.
  const installed = findElectron({ ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '' });
  if ('path' in installed)
    console.warn(
      `download-failure test skipped: an Electron binary is installed (${installed.path}), so nothing is downloaded`,
    );

  it.skipIf('path' in installed)(
    'tries the Electron download once and, when it fails, says why in the same one sentence',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'catnet-no-download-'));
      try {
        const installer = join(dir, 'install.js');
        await writeFile(
          installer,
          "console.error('TypeError: fetch failed\\n    at download (x.js:1:1)'); process.exit(1);\n",
        );
        const env = { CATNET_ELECTRON_INSTALLER: installer, ELECTRON_OVERRIDE_DIST_PATH: '' };
        const result = spawnSync(process.execPath, ['scripts/start.mjs'], {
          env: { ...process.env, ...env },
          encoding: 'utf8',
        });
        expect(result.status).toBe(1);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^catnet cannot start the desktop app: /);
        expect(lines[0]).toContain('downloading it failed (TypeError: fetch failed)');
        expect(lines[0]).toContain('npm run web');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(process.platform === 'win32')(
    'runs the Electron binary on the app folder and passes its exit code',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'catnet-fake-electron-'));
      try {
        const fake = join(dir, process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron');
        await writeFile(fake, '#!/bin/sh\necho "args: $*"\nexit 3\n');
        await chmod(fake, 0o755);
        const result = run({ ELECTRON_OVERRIDE_DIST_PATH: dir });
        expect(result.stdout.trim()).toBe(`args: ${resolve('.')} --flag`);
        expect(result.status).toBe(3);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
