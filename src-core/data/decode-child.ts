// The decode process (dist/core/decode-child.mjs): decodes batches of image files for the app's
// import, so a native decoder crash (libvips, libjpeg-turbo) ends this process, not the app
// (decode-process.ts restarts it and names the file). One job per IPC message: { id, paths, opts }
// in, { id, out, results } back (out: 12,288 bytes per file, results as decodeInto reports them).

import '../thread-pool-size.js'; // first: the same thread pool size as the app
import { availableParallelism } from 'node:os';
import { N_X } from '../image-format.js';
import { type DecodeOptions, decodeInto, type TaskResult } from './file-verdict.js';

export interface DecodeJob {
  id: number;
  /** Strings, or raw bytes (names that are not UTF-8: they arrive as Uint8Array). */
  paths: (string | Uint8Array)[];
  opts: DecodeOptions;
}

export interface DecodeReply {
  id: number;
  out: Uint8Array;
  results: TaskResult[];
}

const concurrency = Math.max(4, 2 * availableParallelism());
/** Test hook: a path containing this text makes the process crash as a decoder would (SIGSEGV). */
const crashMarker = process.env.CATNET_TEST_DECODER_CRASH;

async function run(job: DecodeJob): Promise<DecodeReply> {
  const paths = job.paths.map((p) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  if (crashMarker && paths.some((p) => p.toString().includes(crashMarker))) process.kill(process.pid, 'SIGSEGV');
  const out = new Uint8Array(paths.length * N_X);
  const results: TaskResult[] = new Array(paths.length);
  await decodeInto(
    paths,
    paths.map((_, i) => i),
    out,
    job.opts,
    concurrency,
    (k, r) => {
      results[k] = r;
    },
  );
  return { id: job.id, out, results };
}

process.on('message', (job: DecodeJob) => {
  void run(job).then((reply) => process.send?.(reply));
});
process.on('disconnect', () => process.exit(0)); // the app is gone
process.send?.({ ready: true });
