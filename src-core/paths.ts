// Where catnet's own files are, whether running from source (vitest), from dist/ (CLI, browser mode)
// or from inside the packaged app. Does not look at user data: that is the caller's choice.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The folder holding catnet's package.json (walks up from this module). */
export function appRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'catnet') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`catnet: cannot find the app's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A built file under dist/, e.g. distFile('core', 'worker.mjs'). Run `npm run build` if it is missing. */
export function distFile(...parts: string[]): string {
  return join(appRoot(), 'dist', ...parts);
}

/** catnet's version from package.json. */
export function appVersion(): string {
  return JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')).version as string;
}
