// The Electron executable, found the way the `electron` package finds it (its path.txt, with
// ELECTRON_OVERRIDE_DIST_PATH honoured) but without its attempt to download one. Used by `npm start`
// (scripts/start.mjs) and by the Electron tests (test/helpers/electron-binary.ts).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const DEFAULT_EXECUTABLE = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

/** The folder of the installed `electron` package, or null when it is not installed. */
export function electronPackageDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * { path } of an existing Electron executable, or { missing: why } (one clause, no full stop). Never
 * downloads. `env` is where ELECTRON_OVERRIDE_DIST_PATH is read (default: this process's).
 */
export function findElectron(env = process.env) {
  const packageDir = electronPackageDir();
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!packageDir && !override) return { missing: 'the electron package is not installed' };
  const pathFile = packageDir ? join(packageDir, 'path.txt') : null;
  const relative =
    pathFile && existsSync(pathFile)
      ? readFileSync(pathFile, 'utf8').trim()
      : (DEFAULT_EXECUTABLE[process.platform] ?? 'electron');
  const path = override ? join(override, relative) : join(packageDir, 'dist', relative);
  if (existsSync(path)) return { path };
  return { missing: `no Electron binary at ${path}` };
}
