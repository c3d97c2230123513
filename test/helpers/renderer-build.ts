// Builds dist/ (renderer included) once for the Chromium tests, and only when the renderer sources are
// newer than the build. Test files run in parallel; a lock folder (mkdir is atomic) keeps two Vite
// builds from emptying dist/renderer under each other or under a running server.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOCK = join(ROOT, 'dist', '.renderer-build.lock');
const BUILT = join(ROOT, 'dist', 'renderer', 'index.html');
const SOURCES = ['src-renderer', 'src-main/contract.ts', 'vite.config.ts'];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const isStale = (): boolean =>
  !existsSync(BUILT) ||
  SOURCES.some((p) => existsSync(join(ROOT, p)) && newestMtime(join(ROOT, p)) > statSync(BUILT).mtimeMs);

export async function ensureRendererBuilt(): Promise<void> {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than 3 minutes is left over from a killed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 180_000) rmdirSync(LOCK);
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the renderer build lock ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    // The esbuild entries are rebuilt by vitest's global setup; only the renderer may be stale here.
    if (isStale())
      execFileSync(process.execPath, ['scripts/build.mjs'], {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, CATNET_QUIET_BUILD: '1' },
      });
  } finally {
    rmdirSync(LOCK);
  }
}
