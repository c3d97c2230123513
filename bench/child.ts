// Runs one measurement in a fresh Node process (this same bench script with --child TASK), so each
// gets its own environment (CATNET_THREADS, CATNET_BACKEND), its own kernel choice and its own peak
// RSS. The child prints progress on stderr and one JSON object as the last line of stdout.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildOptions {
  env?: Record<string, string | undefined>;
  /** Kill the child after this long (ms). */
  timeoutMs?: number;
}

/** Prints the child's result for the parent to read: the last stdout line. */
export function replyToParent(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The script being run (dist/bench/bench.mjs when built). */
function selfScript(): string {
  return fileURLToPath(import.meta.url);
}

/** Spawns `node <this script> --child task ...args` and resolves with its JSON reply. */
export function runChild<T>(task: string, args: string[], opts: ChildOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [selfScript(), '--child', task, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      stdout += s;
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs).unref() : undefined;
    child.on('error', (err) => reject(new Error(`bench child "${task}" could not start: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exited with ${signal ?? `code ${code}`}`);
        resolve(JSON.parse(last) as T);
      } catch (err) {
        reject(new Error(`bench child "${task} ${args.join(' ')}" failed: ${(err as Error).message}`));
      }
    });
  });
}
