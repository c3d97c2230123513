// Imported first by every entry point (app, browser mode, CLI, bench) for its side effect: libuv's
// thread pool, where every image is read and decoded, has 4 threads unless UV_THREADPOOL_SIZE says
// otherwise when it starts (at its first use). An import should use every core, so on a machine with
// more than 4 cores the pool gets one thread per core. A size the user set is kept.

import { availableParallelism } from 'node:os';

if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(Math.max(4, availableParallelism()));
