// The Electron executable for Electron end-to-end tests, found the way the `electron` package finds
// it (path.txt, ELECTRON_OVERRIDE_DIST_PATH honoured) but without its attempt to download one.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const DEFAULT_EXECUTABLE: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

/** { path } of an existing Electron executable, or { missing: why } (a sentence for the skip message). */
export function findElectron(): { path: string } | { missing: string } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed; Electron tests skipped' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile)
    ? readFileSync(pathFile, 'utf8').trim()
    : (DEFAULT_EXECUTABLE[process.platform] ?? 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, relative) : join(packageDir, 'dist', relative);
  if (existsSync(path)) return { path };
  return {
    missing: `no Electron binary at ${path} (its download failed or was skipped; set ELECTRON_OVERRIDE_DIST_PATH); Electron tests skipped`,
  };
}
