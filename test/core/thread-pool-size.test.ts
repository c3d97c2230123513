// The entry points size libuv's thread pool (src-core/thread-pool-size.ts) before using it: checked on
// the built CLI, with an exit hook that prints the variable the pool reads at its first use.

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { distFile } from '../../src-core/paths.js';

const hook = 'data:text/javascript,process.on("exit",()=>console.error("POOL="+process.env.UV_THREADPOOL_SIZE))';

function poolSize(env: NodeJS.ProcessEnv): string {
  const run = spawnSync(process.execPath, ['--import', hook, distFile('core', 'cli.mjs'), '--version'], {
    env,
    encoding: 'utf8',
  });
  return /POOL=(\S+)/.exec(run.stderr)?.[1] ?? '';
}

it('gives libuv one thread per core (at least 4), and keeps a size the user set', () => {
  const { UV_THREADPOOL_SIZE: _, ...env } = process.env;
  expect(poolSize(env)).toBe(String(Math.max(4, availableParallelism())));
  expect(poolSize({ ...env, UV_THREADPOOL_SIZE: '7' })).toBe('7');
});
