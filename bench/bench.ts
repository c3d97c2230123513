// `npm run bench`: every benchmark figure in one JSON object on stdout (progress on stderr): the
// machine (with its measured FMA peak), training (course net per backend, threads, scaling, memory),
// kernels, ingest, inference, responsiveness, the Python peers measured in the same run (with the
// BLAS each ran on), ratios, and each target met or not.
// `--quick` runs everything tiny (seconds; used by the smoke test: no figure in it means anything).
// `--child TASK` is internal: one measurement in a fresh process (see child.ts).

import '../src-core/thread-pool-size.js'; // first: sizes libuv's thread pool before anything uses it
import { Command } from 'commander';
import { jpegDecoderInfo } from '../src-core/data/jpeg-fast.js';
import { writeFileAtomic } from '../src-core/fsio/atomic.js';
import { getKernels } from '../src-core/kernels/select.js';
import { appVersion } from '../src-core/paths.js';
import { replyToParent } from './child.js';
import { benchConv } from './conv.js';
import { benchInference } from './inference.js';
import { benchIngest } from './ingest.js';
import { ensureJpegFixture } from './ingest-fixture.js';
import { benchIngestColdPageCache } from './ingest-page-cache.js';
import { benchIngestSameFiles } from './ingest-same-files.js';
import { benchKernels } from './kernels.js';
import { loadAverage, machineInfo } from './machine.js';
import { benchPeers } from './peers.js';
import { benchTrainingResponsiveness } from './responsiveness.js';
import { nowMs, round } from './stats.js';
import { evaluateTargets } from './targets.js';
import { benchTraining } from './train.js';
import { runCourse, runScale } from './train-workloads.js';

export const SECTIONS = ['training', 'kernels', 'conv', 'ingest', 'inference', 'responsiveness', 'peers'] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  quick?: boolean;
  only?: string;
  peakGflops?: string;
  images?: string;
  out?: string;
  child?: string;
  iterations?: string;
  budgetMs?: string;
  minMs?: string;
  batch?: string;
  m?: string;
}

const started = nowMs();
function log(line: string): void {
  process.stderr.write(`[bench ${((nowMs() - started) / 1000).toFixed(1)}s] ${line}\n`);
}

/** Rounds every number in the result for reading (4 significant digits). */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return round(value);
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

async function section<T>(
  name: Section,
  enabled: Set<Section>,
  run: () => Promise<T>,
): Promise<T | { error: string } | undefined> {
  if (!enabled.has(name)) return undefined;
  try {
    return await run();
  } catch (err) {
    log(`${name}: FAILED: ${(err as Error).stack ?? err}`);
    return { error: (err as Error).message };
  }
}

async function runChildTask(o: Options): Promise<void> {
  const num = (v: string | undefined, what: string) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`bench --child ${o.child}: --${what} must be a number, got ${v}`);
    return n;
  };
  switch (o.child) {
    case 'course':
      replyToParent(runCourse(num(o.iterations, 'iterations'), num(o.budgetMs, 'budget-ms'), num(o.m ?? '209', 'm')));
      return;
    case 'scale':
      replyToParent(
        await runScale(
          num(o.images, 'images'),
          num(o.batch, 'batch'),
          num(o.minMs, 'min-ms'),
          num(o.budgetMs, 'budget-ms'),
        ),
      );
      return;
    default:
      throw new Error(`bench: unknown child task "${o.child}" (expected course or scale)`);
  }
}

/** The kernels of this (main) process, or why they did not load. */
function mainBackend(): unknown {
  try {
    return getKernels().info;
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .description("catnet's benchmark: one JSON object on stdout")
    .option('--quick', 'tiny sizes, a few seconds; figures meaningless (smoke test)')
    .option('--only <sections>', `comma-separated subset of ${SECTIONS.join(',')}`)
    .option(
      '--peak-gflops <n>',
      'FMA peak of this machine for "% of peak" (default: measured by bench/native/fma-peak.c)',
    )
    .option('--images <n>', 'JPEG files in the ingest/inference folder (default 1000, quick 40)')
    .option('--out <file>', 'also write the JSON to this file')
    .option('--child <task>', 'internal: run one measurement (course | scale) and print its JSON')
    .option('--iterations <n>')
    .option('--budget-ms <n>')
    .option('--min-ms <n>')
    .option('--batch <n>')
    .option('--m <n>')
    .parse();
  const o = program.opts<Options>();
  if (o.child) {
    await runChildTask(o);
    return;
  }

  const quick = Boolean(o.quick);
  const enabled = new Set<Section>(o.only ? (o.only.split(',').map((s) => s.trim()) as Section[]) : SECTIONS);
  for (const s of enabled)
    if (!SECTIONS.includes(s))
      throw new Error(`bench: unknown section "${s}" in --only (known: ${SECTIONS.join(', ')})`);
  const peakGflops = o.peakGflops === undefined ? undefined : Number(o.peakGflops);
  if (peakGflops !== undefined && !(peakGflops > 0))
    throw new Error(`bench: --peak-gflops must be a positive number of GFLOP/s, got "${o.peakGflops}"`);
  const machine = machineInfo(peakGflops, { quick });
  const imageCount = o.images ? Number(o.images) : quick ? 40 : 1000;
  log(
    `catnet ${appVersion()} on ${machine.cpu} (${machine.cores} cores); ${quick ? 'quick run' : 'full run: about 3-5 minutes'}`,
  );

  if (machine.load_average_start > machine.cores / 2)
    log(
      `warning: load average ${machine.load_average_start.toFixed(1)} on ${machine.cores} cores: other work shares the CPUs, every figure will be slower and noisier than on an idle machine`,
    );

  const needsJpegs = ['ingest', 'inference', 'responsiveness', 'peers'].some((s) => enabled.has(s as Section));
  const fixture = needsJpegs
    ? await ensureJpegFixture(imageCount, {
        onProgress: (done, total) => {
          if (done === 1 || done % 250 === 0 || done === total) log(`making the JPEG folder: ${done}/${total}`);
        },
      })
    : undefined;

  const training = await section('training', enabled, () =>
    benchTraining({ quick, peakGflops: machine.peak_gflops, log }),
  );
  // --quick leaves out the two sections other files own that take many seconds even when small.
  const skippedInQuick = { skipped: '--quick (run `npm run bench` for this section)' };
  const kernels = await section('kernels', enabled, async () =>
    quick ? skippedInQuick : benchKernels({ quick, peakGflops: machine.peak_gflops, log }),
  );
  const conv = await section('conv', enabled, () => benchConv({ quick, peakGflops: machine.peak_gflops, log }));
  let sameFiles: Awaited<ReturnType<typeof benchIngestSameFiles>> | undefined;
  const ingest = await section('ingest', enabled, async () => {
    log(`ingest: catnet importFolders on the ${fixture!.files.length} JPEGs Pillow reads (cold, then cached)`);
    sameFiles = await benchIngestSameFiles(fixture!.folder, fixture!.files.length, quick);
    if (!quick) log('ingest: benchIngest (bench/ingest.ts) on the same folder: rates, phases, memory');
    const own = quick ? skippedInQuick : await benchIngest({ folder: fixture!.folder, repeats: 3, log });
    if (!quick) log('ingest: one import after dropping the OS page cache (where allowed)');
    const coldDisk = quick ? skippedInQuick : await benchIngestColdPageCache(fixture!.folder, fixture!.files.length);
    return {
      // "cold" everywhere else: no catnet vector cache yet (every file decoded), files in the OS page cache.
      cold_means: 'cold vector cache (every file decoded), warm OS page cache (files just written or read)',
      same_files: sameFiles,
      bench_ingest: own,
      cold_page_cache: coldDisk,
      // which decoder took the JPEGs (the fast libjpeg-turbo path, or sharp and why), and how many each
      jpeg_decoder: jpegDecoderInfo(),
    };
  });
  const inference = await section('inference', enabled, () => {
    log('inference: single image end to end, then the whole folder');
    return benchInference(fixture!.files, quick);
  });
  const responsiveness = await section('responsiveness', enabled, async () => {
    log('responsiveness: main-thread event-loop delay while the worker trains');
    const training = await benchTrainingResponsiveness(quick);
    return {
      training,
      import: sameFiles
        ? { max_ms: sameFiles.max_loop_delay_ms, source: 'every import pass of ingest.same_files' }
        : { unavailable: 'the ingest section did not run (its import passes measure this delay)' },
    };
  });
  const peers = await section('peers', enabled, () => benchPeers({ quick, jpegFolder: fixture?.folder, log }));

  const { targets, ratios, peerBlas } = evaluateTargets(
    { training, kernels, conv, ingest, inference, responsiveness, peers },
    machine.peak_gflops,
  );
  const peersMissing =
    peers && !('error' in peers)
      ? peers.missing
      : [`torch, numpy, pillow: ${peers ? peers.error : 'peers section not run'}`];
  const result = rounded({
    catnet_bench: 1,
    version: appVersion(),
    date: new Date().toISOString(),
    quick,
    seconds: (nowMs() - started) / 1000,
    machine: { ...machine, load_average_end: loadAverage() },
    backend: mainBackend(),
    jpeg_folder: fixture ? { folder: fixture.folder, images: fixture.files.length, mb: fixture.bytes / 2 ** 20 } : null,
    training: training ?? null,
    kernels: kernels ?? null,
    conv: conv ?? null,
    ingest: ingest ?? null,
    inference: inference ?? null,
    responsiveness: responsiveness ?? null,
    peers: peers ?? null,
    ratios,
    peer_blas: peerBlas,
    targets,
    targets_met: `${targets.filter((t) => t.met).length}/${targets.length}`,
    peers_missing: peersMissing,
    peers_skipped: peers && !('error' in peers) ? peers.skipped : [],
  });
  const json = JSON.stringify(result, null, 2);
  if (o.out) await writeFileAtomic(o.out, `${json}\n`);
  log(`done: ${targets.filter((t) => t.met).length} of ${targets.length} targets met`);
  // Exit once the JSON is flushed: a hung worker thread (reported above) must not keep the run alive.
  process.stdout.write(`${json}\n`, () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
