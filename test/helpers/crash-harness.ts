// Runs decoding and model loading of untrusted bytes in a child process (test/reliability/crash-child.ts,
// bundled on first use), so a native crash (SIGSEGV in a decoder, an abort in onnxruntime) becomes an
// outcome the test reports as a bug with the input that caused it, not a dead test run. After a
// crash or a hang the next job gets a fresh child.

import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type HarnessJob =
  | { kind: 'image'; bytes: Uint8Array }
  | { kind: 'image-file'; path: string }
  /** importFolders over a folder: every file must be accepted or skipped with a known reason and a message. */
  | { kind: 'import-folder'; path: string }
  /** run: also load it in onnxruntime and predict two images when the importer accepts it. */
  | { kind: 'onnx'; bytes: Uint8Array; run?: boolean }
  /** The harness's self-test: the child kills itself with SIGSEGV, or never answers. */
  | { kind: 'crash' }
  | { kind: 'hang' };

export type HarnessOutcome =
  | { outcome: 'accepted'; detail: string; probabilities?: number[]; files?: number }
  /** The contract's refusal: ImageRejected (reason code) or a model error naming the file. */
  | { outcome: 'rejected'; reason: string; message: string }
  /** Any other exception: a bug (the contract says every failure is a rejection). */
  | { outcome: 'threw'; name: string; message: string }
  /** The child process died: a native crash (a bug). */
  | { outcome: 'crashed'; code: number | null; signal: string | null; stderr: string }
  | { outcome: 'hung'; ms: number };

interface Pending {
  id: number;
  child: ChildProcess;
  resolve: (outcome: HarnessOutcome) => void;
  timer: NodeJS.Timeout;
}

/**
 * Bundles a TypeScript script (path relative to the repository) into dist/test/<name>-<pid>-<time>.mjs
 * so `node` can run it in a child process (packages stay external); the caller removes it.
 */
export async function bundleTestScript(entry: string): Promise<string> {
  const dir = join(ROOT, 'dist', 'test');
  mkdirSync(dir, { recursive: true });
  const name = entry.split('/').at(-1)!.replace(/\.ts$/, '');
  const script = join(dir, `${name}-${process.pid}-${Date.now()}.mjs`);
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile: script,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return script;
}

export class CrashHarness {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private pending: Pending | null = null;
  private nextId = 0;
  private stderr = '';
  /** Children started so far (1 + crashes + hangs). */
  starts = 0;

  private constructor(private readonly script: string) {}

  /** Bundles the child script (dist/test, removed by stop()) and starts the first child. */
  static async start(): Promise<CrashHarness> {
    const harness = new CrashHarness(await bundleTestScript('test/reliability/crash-child.ts'));
    await harness.spawn();
    return harness;
  }

  private spawn(): Promise<void> {
    this.starts++;
    this.stderr = '';
    const child = fork(this.script, [], {
      cwd: ROOT,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, CATNET_QUIET_BUILD: '1' },
    });
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code, signal) =>
        reject(new Error(`crash-harness child exited (${code ?? signal}) at start`)),
      );
    });
    child.on('message', (message: { id?: number; outcome?: HarnessOutcome }) => {
      const p = this.pending;
      if (p && message.id === p.id && message.outcome) {
        clearTimeout(p.timer);
        this.pending = null;
        p.resolve(message.outcome);
      }
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      const p = this.pending;
      if (p && p.child === child) {
        clearTimeout(p.timer);
        this.pending = null;
        p.resolve({ outcome: 'crashed', code, signal, stderr: this.stderr });
      }
    });
    return this.ready;
  }

  /** One job at a time; a crashed or hung child is replaced before the next job. */
  async run(job: HarnessJob, timeoutMs = 30_000): Promise<HarnessOutcome> {
    if (!this.child) await this.spawn();
    await this.ready;
    const child = this.child!;
    const id = this.nextId++;
    return new Promise<HarnessOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        if (this.child === child) this.child = null;
        child.kill('SIGKILL');
        resolve({ outcome: 'hung', ms: timeoutMs });
      }, timeoutMs);
      this.pending = { id, child, resolve, timer };
      child.send({ id, job });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.script, { force: true });
    rmSync(`${this.script}.map`, { force: true });
  }
}

/** True for the outcomes the contract allows: accepted, or rejected with a message. */
export function isContractOutcome(o: HarnessOutcome): boolean {
  return o.outcome === 'accepted' || (o.outcome === 'rejected' && o.message.length > 0);
}
