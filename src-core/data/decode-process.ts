// Decoding out of the app's process: one child process (decode-child.ts) decodes every file of the
// app's imports, with the app's whole thread pool size and decode budget (one process, so the budget
// still bounds all decodes). A native decoder crash ends only the child: the batch it was decoding is
// decoded again file by file in a fresh child, and a file that crashes it again is skipped as
// `corrupt` with a message saying the decoder crashed on it. The import goes on.

import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { N_X } from '../image-format.js';
import { distFile } from '../paths.js';
import type { DecodeJob, DecodeReply } from './decode-child.js';
import type { DecodeOptions, TaskResult } from './file-verdict.js';
import { abortError } from './parallel.js';

/** Files per job: large enough that IPC costs little per file, small enough to keep both busy. */
const BATCH = 32;
/** Jobs in flight: one decoding while the next is sent and the last one's pixels are copied. */
const IN_FLIGHT = 2;

/** The child died while it had the job: a crash (signal) or an exit. */
export class DecoderCrashed extends Error {
  constructor(readonly how: string) {
    super(`the image decoder process stopped (${how})`);
  }
}

interface Pending {
  resolve: (reply: DecodeReply) => void;
  reject: (error: Error) => void;
}

/** One decode child, started on first use and again after it dies. */
export class DecodeProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stderr = '';
  /** Children started (1 + restarts after crashes). */
  starts = 0;

  constructor(private readonly script = distFile('core', 'decode-child.mjs')) {}

  static available(script = distFile('core', 'decode-child.mjs')): boolean {
    return existsSync(script);
  }

  private start(): Promise<void> {
    this.starts++;
    this.stderr = '';
    const child = fork(this.script, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // In Electron, process.execPath is the app: run it as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code, signal) => reject(new DecoderCrashed(signal ?? `exit code ${code}`)));
    });
    child.on('message', (reply: DecodeReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      p.resolve(reply);
      this.idle();
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
      }
      const error = new DecoderCrashed(signal ?? `exit code ${code}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
    this.ready = ready;
    ready.catch(() => undefined);
    return ready;
  }

  /** An idle child does not keep the app running. */
  private idle(): void {
    if (this.pending.size === 0) {
      this.child?.unref();
      (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
    }
  }

  /** Decodes `paths` in the child; rejects with DecoderCrashed when the child dies meanwhile. */
  async run(paths: readonly (string | Buffer)[], opts: DecodeOptions): Promise<DecodeReply> {
    if (!this.child) await this.start();
    else await this.ready;
    const child = this.child!;
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    const id = this.nextId++;
    return new Promise<DecodeReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, paths: [...paths], opts } satisfies DecodeJob);
    });
  }

  /** Ends the child (the app is quitting). */
  stop(): void {
    this.child?.kill();
    this.child = undefined;
  }
}

let shared: DecodeProcess | undefined;

/** The app's decode process (started on first use). */
export function decodeProcess(): DecodeProcess {
  shared ??= new DecodeProcess();
  return shared;
}

/**
 * decodeInto's contract (file-verdict.ts), decoded in the decode process: file k into row rows[k]
 * of `pixels`, onResult(k, result) as each batch comes back. A batch the child died on is decoded
 * again one file per job; a file that kills the child on its own is reported as `corrupt`.
 */
export async function decodeIntoIsolated(
  fsPaths: readonly (string | Buffer)[],
  rows: readonly number[],
  pixels: Uint8Array,
  opts: DecodeOptions,
  onResult: (k: number, result: TaskResult) => void,
  signal?: AbortSignal,
  decoder: DecodeProcess = decodeProcess(),
): Promise<void> {
  const n = fsPaths.length;
  const take = (ks: number[], reply: DecodeReply) => {
    ks.forEach((k, j) => {
      const r = reply.results[j]!;
      if (r.row !== undefined) {
        pixels.set(reply.out.subarray(j * N_X, (j + 1) * N_X), rows[k]! * N_X);
        r.row = rows[k];
      }
      onResult(k, r);
    });
  };
  // Files of a batch the child died on: decoded again afterwards, one job at a time, so the one that
  // crashes it is known (another job in flight dies with it, innocent).
  const suspects: number[] = [];
  /** alone: the only job in flight, so a crash is this file's. */
  const decode = async (ks: number[], alone: boolean): Promise<void> => {
    try {
      take(
        ks,
        await decoder.run(
          ks.map((k) => fsPaths[k]!),
          opts,
        ),
      );
    } catch (error) {
      if (!(error instanceof DecoderCrashed)) throw error;
      if (!alone) suspects.push(...ks);
      else
        onResult(ks[0]!, {
          reason: 'corrupt',
          message: `the image decoder crashed on it (${error.how}); catnet restarted the decoder and went on`,
          fromCache: false,
        });
    }
  };
  let next = 0;
  const lane = async () => {
    while (next < n && !signal?.aborted) {
      const ks = Array.from({ length: Math.min(BATCH, n - next) }, (_, j) => next + j);
      next += ks.length;
      await decode(ks, false);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.ceil(n / BATCH)) }, lane));
  for (const k of suspects.sort((x, y) => x - y)) {
    if (signal?.aborted) break;
    await decode([k], true);
  }
  if (signal?.aborted) throw abortError(signal);
}
