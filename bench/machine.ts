// What the benchmark ran on: CPU, cores, vector extensions, Node, and the float32 FMA peak the
// "percent of peak" figures divide by. The peak is measured here, per thread count, by
// bench/native/fma-peak.c (a register-only FMA loop, built with the system C compiler), unless
// --peak-gflops gives it. Without a compiler and without --peak-gflops there is no peak, and the
// percent-of-peak targets say so.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { appRoot } from '../src-core/paths.js';

export interface PeakAtThreads {
  threads: number;
  /** Sum over threads of FLOPs / that thread's CPU time: the cores' rate, whatever else runs. */
  gflops: number;
  /** All threads' FLOPs / wall time: lower when other processes take the cores. */
  gflops_wall: number;
}

export type PeakMeasurement = { isa: string; by_threads: PeakAtThreads[] } | { unavailable: string };

export interface MachineInfo {
  cpu: string;
  cores: number;
  mhz: number;
  avx512f: boolean;
  avx2: boolean;
  fma: boolean;
  memory_gb: number;
  node: string;
  platform: string;
  /** The FMA peak with every core busy (GFLOP/s); NaN when neither measured nor given. */
  peak_gflops: number;
  peak_source: string;
  /** The measurement behind the peak (every thread count from 1 to `cores`), or why there is none. */
  peak_measured: PeakMeasurement;
  /** 1-minute load average when the run started: above the core count, other work shares the CPUs. */
  load_average_start: number;
}

/** The 1-minute load average (0 where the OS has none, e.g. Windows). */
export function loadAverage(): number {
  return loadavg()[0];
}

function cpuFlags(): Set<string> {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    return new Set((line?.split(':')[1] ?? '').trim().split(/\s+/));
  } catch {
    return new Set(); // not Linux: flags unknown
  }
}

const firstLine = (error: unknown): string => String((error as Error).message ?? error).split('\n')[0];

/**
 * Builds bench/native/fma-peak.c (once per source version, in the OS temp folder) and runs it for
 * 1..cores threads. `repeats` runs per thread count, best kept (each run is about 0.1 s of CPU per thread).
 */
export function measurePeak(cores: number, repeats: number): PeakMeasurement {
  if (process.arch !== 'x64') return { unavailable: `the FMA loop is written for x64, this is ${process.arch}` };
  const source = join(appRoot(), 'bench', 'native', 'fma-peak.c');
  const dir = join(tmpdir(), 'catnet-bench-fma-peak');
  try {
    // Named after the source's modification time, so an edited fma-peak.c is rebuilt.
    const binary = join(dir, `fma-peak-${Math.round(statSync(source).mtimeMs)}`);
    if (!existsSync(binary)) {
      mkdirSync(dir, { recursive: true });
      const partial = `${binary}.${process.pid}`; // renamed when complete: two runs may build at once
      execFileSync(process.env.CC || 'cc', ['-O2', '-pthread', '-o', partial, source], { stdio: 'pipe' });
      renameSync(partial, binary);
    }
    return runPeak(binary, cores, repeats);
  } catch (error) {
    return { unavailable: `could not build ${source} with ${process.env.CC || 'cc'} (${firstLine(error)})` };
  }
}

function runPeak(binary: string, cores: number, repeats: number): PeakMeasurement {
  const byThreads: PeakAtThreads[] = [];
  let isa = '';
  for (let threads = 1; threads <= cores; threads++) {
    let out: Record<string, unknown>;
    try {
      out = JSON.parse(execFileSync(binary, [String(threads), String(repeats)], { encoding: 'utf8' }));
    } catch (error) {
      return { unavailable: `${binary} ${threads} failed (${firstLine(error)})` };
    }
    if (typeof out.unavailable === 'string') return { unavailable: out.unavailable };
    isa = String(out.isa);
    byThreads.push({ threads, gflops: Number(out.gflops), gflops_wall: Number(out.gflops_wall) });
  }
  return { isa, by_threads: byThreads };
}

export function machineInfo(peakGflops?: number, options: { quick?: boolean } = {}): MachineInfo {
  const flags = cpuFlags();
  const c = cpus();
  const cores = availableParallelism();
  const measured = measurePeak(cores, options.quick ? 2 : 5);
  const atAllCores = 'by_threads' in measured ? measured.by_threads[measured.by_threads.length - 1].gflops : Number.NaN;
  let peak_source: string;
  if (peakGflops !== undefined) peak_source = 'given with --peak-gflops';
  else if ('by_threads' in measured)
    peak_source = `measured: register-only ${measured.isa} FMA loop on ${cores} threads (bench/native/fma-peak.c)`;
  else peak_source = `not measured (${measured.unavailable}); pass --peak-gflops`;
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores,
    mhz: c[0]?.speed ?? 0,
    avx512f: flags.has('avx512f'),
    avx2: flags.has('avx2'),
    fma: flags.has('fma'),
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    peak_gflops: peakGflops ?? atAllCores,
    peak_source,
    peak_measured: measured,
    load_average_start: loadAverage(),
  };
}
