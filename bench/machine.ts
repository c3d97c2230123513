// What the benchmark ran on: CPU, cores, vector extensions, Node, and the FMA peak used for the
// "percent of peak" figures. The peak is the stated reference for these machines (2 cores,
// AVX-512: about 400 GFLOP/s) unless --peak-gflops overrides it; it is not measured here.

import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export const DEFAULT_PEAK_GFLOPS = 400;

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
  peak_gflops: number;
  peak_source: string;
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

export function machineInfo(peakGflops?: number): MachineInfo {
  const flags = cpuFlags();
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    mhz: c[0]?.speed ?? 0,
    avx512f: flags.has('avx512f'),
    avx2: flags.has('avx2'),
    fma: flags.has('fma'),
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    peak_gflops: peakGflops ?? DEFAULT_PEAK_GFLOPS,
    peak_source:
      peakGflops === undefined
        ? 'issue 7 reference for 2 AVX-512 cores (override with --peak-gflops)'
        : 'given with --peak-gflops',
    load_average_start: loadAverage(),
  };
}
