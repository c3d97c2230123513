// The Electron executable for the Electron end-to-end tests: the same lookup as `npm start`
// (scripts/electron-binary.mjs, never downloads), with the reason phrased as a skip message.

import { findElectron as findElectronBinary } from '../../scripts/electron-binary.mjs';

/** { path } of an existing Electron executable, or { missing: why } (a sentence for the skip message). */
export function findElectron(): { path: string } | { missing: string } {
  const found = findElectronBinary();
  if ('path' in found) return found;
  const hint = found.missing.startsWith('no Electron binary')
    ? ' (its download failed or was skipped; set ELECTRON_OVERRIDE_DIST_PATH)'
    : '';
  return { missing: `${found.missing}${hint}; Electron tests skipped` };
}
