// `npm start` (after the build): runs the Electron app from this folder. The Electron binary comes
// from the `electron` package (node_modules/electron/dist) or ELECTRON_OVERRIDE_DIST_PATH. npm 11 does
// not run the electron package's download at install, so the first start downloads it (quietly, with
// the package's own installer). When that fails (no network), say so in one sentence and point to
// browser mode, instead of a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronPackageDir, findElectron } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable's path, or null when none is installed. Never downloads. */
function electronBinary() {
  const found = findElectron();
  return 'path' in found ? found.path : null;
}

function fail(what) {
  console.error(
    `catnet cannot start the desktop app: ${what}; set ELECTRON_OVERRIDE_DIST_PATH to a folder holding an Electron 45 binary, or run \`npm run web\` to use the same UI in your browser.`,
  );
  process.exit(1);
}

/** Runs the electron package's installer (a download); returns null or why it failed. */
function downloadElectron() {
  let installer = process.env.CATNET_ELECTRON_INSTALLER; // tests point this at a stand-in
  if (!installer) {
    const packageDir = electronPackageDir();
    if (!packageDir) return 'the electron package is not installed (run `npm ci`)';
    installer = join(packageDir, 'install.js');
  }
  const run = spawnSync(process.execPath, [installer], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  if (run.status === 0) return null;
  const firstLine = `${run.stderr ?? ''}${run.stdout ?? ''}`.split('\n').find((l) => l.trim()) ?? '';
  return firstLine.trim().slice(0, 160) || run.error?.message || `exit code ${run.status}`;
}

let binary = electronBinary();
let downloadError = null;
if (!binary && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
  downloadError = downloadElectron();
  binary = electronBinary();
}
if (!binary) {
  const where = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? `ELECTRON_OVERRIDE_DIST_PATH (${process.env.ELECTRON_OVERRIDE_DIST_PATH}) holds no Electron executable`
    : `no Electron binary is installed and downloading it failed (${downloadError ?? 'no executable after the download'})`;
  fail(where);
}

const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
child.on('error', (error) => fail(`${binary} could not be run (${error.code ?? error.message})`));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
