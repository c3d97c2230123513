// Builds dist/ (esbuild entry points only: fast) so tests that start the worker, the CLI or the
// browser-mode server run the current sources. The renderer build is left to `npm test`/e2e setup.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--no-renderer'], {
    stdio: 'inherit',
    env: { ...process.env, CATNET_QUIET_BUILD: '1' },
  });
}
