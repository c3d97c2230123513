// The peers: PyTorch, NumPy and Pillow from Debian's system python3 (/usr/bin/python3, not a pyenv
// python first on PATH), each run as a script in bench/peers/ that prints one JSON object.
// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed from their environment so OpenBLAS picks its own
// kernel for this CPU; the scripts report which BLAS and kernel actually ran.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../src-core/paths.js';

export const SYSTEM_PYTHON = '/usr/bin/python3';
const OPENBLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

export interface PeerTrain {
  ok: true;
  peer: string;
  version: string;
  dtype: string;
  ms_per_iteration: number;
  best_threads: number;
  runs: Array<{ threads: number; ms_median: number }>;
  blas: unknown;
}

export interface PeerIngest {
  ok: true;
  peer: 'pillow';
  version: string;
  images: number;
  processes: number;
  images_per_s: number;
}

export interface PeerResults {
  python: string;
  openblas_env_removed: Record<string, string>;
  torch?: PeerTrain;
  numpy?: PeerTrain;
  pillow?: PeerIngest;
  /** "name: why" for each peer that did not run. */
  missing: string[];
  /** Peers left out on purpose (--quick skips PyTorch: importing it alone takes seconds). */
  skipped: string[];
}

export function runPython(script: string, args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const env = { ...process.env };
  for (const k of OPENBLAS_OVERRIDES) delete env[k];
  return new Promise((resolve, reject) => {
    execFile(
      SYSTEM_PYTHON,
      [join(appRoot(), 'bench', 'peers', script), ...args],
      { env, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${err.message.split('\n')[0]}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
        } catch {
          reject(new Error(`printed no JSON (stdout: ${stdout.slice(0, 200)})`));
        }
      },
    );
  });
}

async function runPeer<T>(name: string, script: string, args: string[], timeoutMs: number, missing: string[]) {
  try {
    const out = await runPython(script, args, timeoutMs);
    if (out.ok === true) return out as T;
    missing.push(`${name}: ${String(out.error ?? 'failed')}`);
  } catch (err) {
    missing.push(`${name}: ${(err as Error).message}`);
  }
  return undefined;
}

export interface PeerOptions {
  quick: boolean;
  /** The JPEG folder the ingest bench reads (Pillow reads the same files); none: Pillow is skipped. */
  jpegFolder?: string;
  log: (line: string) => void;
}

export async function benchPeers(opts: PeerOptions): Promise<PeerResults> {
  const removed: Record<string, string> = {};
  for (const k of OPENBLAS_OVERRIDES) if (process.env[k] !== undefined) removed[k] = process.env[k]!;
  const results: PeerResults = { python: SYSTEM_PYTHON, openblas_env_removed: removed, missing: [], skipped: [] };
  if (!existsSync(SYSTEM_PYTHON)) {
    results.missing.push(`torch, numpy, pillow: ${SYSTEM_PYTHON} does not exist (install Debian's python3)`);
    return results;
  }
  const q = opts.quick;
  if (q) {
    results.skipped.push('torch: --quick (run `npm run bench` for the PyTorch figure)');
  } else {
    opts.log('peers: PyTorch training (threads 1 and 2)');
    results.torch = await runPeer<PeerTrain>(
      'torch',
      'torch_train.py',
      ['--iterations', '150'],
      180_000,
      results.missing,
    );
  }
  opts.log(`peers: NumPy training (BLAS threads ${q ? '1' : '1 and 2'})`);
  results.numpy = await runPeer<PeerTrain>(
    'numpy',
    'numpy_train.py',
    q ? ['--iterations', '2', '--threads', '1'] : ['--iterations', '40'],
    180_000,
    results.missing,
  );
  if (opts.jpegFolder) {
    opts.log('peers: Pillow ingest (draft mode, all cores)');
    results.pillow = await runPeer<PeerIngest>(
      'pillow',
      'pillow_ingest.py',
      [opts.jpegFolder, '--repeats', q ? '1' : '3'],
      180_000,
      results.missing,
    );
  } else {
    results.missing.push('pillow: no JPEG folder to read (ingest fixture not made)');
  }
  return results;
}
