// Runs browser mode as a user would (`node dist/main/web.mjs`) with a temporary user-data folder and
// any free port, and reads the one URL line it prints. Kill it with stop() (SIGTERM, then SIGKILL).

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const URL_LINE = /^catnet browser mode: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))$/;

export interface RunningWebServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  userData: string;
  child: ChildProcess;
  /** Everything printed to stdout (must be the one URL line). */
  stdout(): string;
  stderr(): string;
  /** Stops the server; resolves with its exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
}

export async function startWebServer(options: { userData?: string; env?: Record<string, string> } = {}) {
  const userData = options.userData ?? (await mkdtemp(join(tmpdir(), 'catnet-web-')));
  const ownsUserData = options.userData === undefined;
  const child = spawn(process.execPath, [join(ROOT, 'dist/main/web.mjs')], {
    cwd: ROOT,
    env: { ...process.env, CATNET_USER_DATA: userData, CATNET_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web.mjs printed no URL in 20 s; stderr: ${err}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0]!;
      const found = out.includes('\n') ? line.match(URL_LINE) : null;
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`web.mjs exited (${code}) before printing its URL; stderr: ${err}`));
    });
  });

  const server: RunningWebServer = {
    url: match[1]!,
    origin: `http://127.0.0.1:${match[2]}`,
    port: Number(match[2]),
    token: match[3]!,
    userData,
    child,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        const code = await exited;
        clearTimeout(timer);
        if (ownsUserData) await rm(userData, { recursive: true, force: true });
        return code;
      }
      if (ownsUserData) await rm(userData, { recursive: true, force: true });
      return child.exitCode;
    },
  };
  return server;
}
