// `catnet train` on two small generated folders, for the command-line tests: the folders are made
// before the file's tests and removed after them; `catnet(...)` runs the CLI on them in a child.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { makePng, writeFiles } from './make-images.js';

export const CATNET_BIN = fileURLToPath(new URL('../../bin/catnet.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Six width x 64 PNGs per class in a new temporary folder ('dogs' positive, 'cats' negative). */
export function trainFolders(prefix: string, width: number, timeoutMs: number) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const P = join(dir, 'dogs');
  const N = join(dir, 'cats');
  beforeAll(async () => {
    const folder = async (base: number) =>
      Object.fromEntries(
        await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => [`${i}.png`, await makePng(width, 64, base + i)])),
      );
    writeFiles(P, await folder(1));
    writeFiles(N, await folder(101));
  });
  /** `catnet train --positive P --negative N ...args`. */
  const catnet = (...args: string[]): CliRun => {
    const r = spawnSync(process.execPath, [CATNET_BIN, 'train', '--positive', P, '--negative', N, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { dir, P, N, catnet };
}
