// Turns the import's per-file results into the ImportReport: outcomes in scan order, skips with
// reasons, per-folder counts, duplicates by path, and the warnings a person should see.

import type { CacheLoadStatus } from './cache/cache-file.js';
import type { Dataset } from './dataset.js';
import type { DuplicateRows } from './duplicates.js';
import type { TaskResult } from './file-verdict.js';
import type { ScanResult } from './folders.js';
import type { RejectReason } from './reasons.js';
import type { FileOutcome, FolderSummary, ImportReport, SkippedFile } from './report.js';

export interface ReportInput {
  folders: { path: string; label: 0 | 1 }[];
  scans: ScanResult[];
  tasks: { folder: number; file: ScanResult['files'][number] }[];
  results: TaskResult[];
  cacheStatus: (CacheLoadStatus | 'off')[];
  dataset: Dataset;
  duplicates: DuplicateRows;
  warnings: string[];
  classNames?: [string, string];
  seconds: number;
  phases: Record<string, number>;
}

export function buildReport(input: ReportInput): ImportReport {
  const { folders: given, scans, tasks, results, dataset } = input;
  const files: FileOutcome[] = [];
  const skipped: SkippedFile[] = [];
  const folders: FolderSummary[] = scans.map((s, f) => ({
    path: given[f].path,
    root: s.root,
    label: given[f].label,
    files: s.files.length,
    accepted: 0,
    skipped: 0,
    fromCache: 0,
    capped: s.capped,
    cache: input.cacheStatus[f],
  }));
  let fromCache = 0;
  const skip = (f: number, path: string, reason: RejectReason, message: string, cached: boolean) => {
    const { label, path: folder } = given[f];
    skipped.push({ path, folder, label, reason, message });
    files.push({ path, folder, label, accepted: false, reason, message, fromCache: cached });
    folders[f].skipped++;
  };
  scans.forEach((scan, f) => {
    for (const s of scan.skipped) skip(f, s.path, s.reason, s.message, false);
  });
  tasks.forEach((t, i) => {
    const r = results[i];
    const { label, path: folder } = given[t.folder];
    if (r.row !== undefined) {
      files.push({ path: t.file.path, folder, label, accepted: true, row: r.row, fromCache: r.fromCache });
      folders[t.folder].accepted++;
      if (r.fromCache) {
        folders[t.folder].fromCache++;
        fromCache++;
      }
    } else skip(t.folder, t.file.path, r.reason ?? 'unreadable', r.message ?? 'unknown problem', r.fromCache);
  });

  const warnings = [...input.warnings];
  const duplicates = input.duplicates.groups.map((g) => g.map((i) => dataset.paths[i]));
  const inBothClasses = input.duplicates.inBothClasses.map((i) => dataset.paths[i]);
  if (inBothClasses.length > 0)
    warnings.push(
      `${inBothClasses.length} images appear in both classes (identical pixels), e.g. ${inBothClasses[0]}: ` +
        'remove them from one folder.',
    );
  if (given.some((f) => f.label === 1) && given.some((f) => f.label === 0)) {
    const w = dataset.imbalanceWarning(input.classNames);
    if (w) warnings.push(w);
  }
  const reasons: ImportReport['reasons'] = {};
  for (const s of skipped) reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
  return {
    files,
    accepted: dataset.m,
    skipped,
    reasons,
    duplicates,
    inBothClasses,
    folders,
    seconds: input.seconds,
    phases: input.phases,
    fromCache,
    warnings,
  };
}
