// Child process of import-memory.test.ts: imports one folder (no cache) and prints one JSON line with
// the report's counts, the skipped files' reasons and messages, and the process's peak RSS. Run with
// UV_THREADPOOL_SIZE and CATNET_IMPORT_CONCURRENCY set to stand in for a machine with more cores.
// Not a test file: bundled with esbuild and run with node.

import { importFolders } from '../../src-core/data/import.js';

const folder = process.argv[2]!;
const concurrency = Number(process.env.CATNET_IMPORT_CONCURRENCY) || undefined;
const t0 = performance.now();
const { dataset, report } = await importFolders({ folders: [{ path: folder, label: 1 }], concurrency });
const line = {
  accepted: report.accepted,
  m: dataset.m,
  skipped: report.skipped.map((s) => ({ path: s.path, reason: s.reason, message: s.message })),
  seconds: (performance.now() - t0) / 1000,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(`${JSON.stringify(line)}\n`);
