// The import report: what happened to every file, in types the app, the CLI and tests share, and a
// short text summary for the command line.

import { REASON_LABELS, type RejectReason } from './reasons.js';

export interface FileOutcome {
  path: string;
  /** The folder (as given) this file was found in. */
  folder: string;
  label: 0 | 1;
  accepted: boolean;
  /** Row in the Dataset (accepted files only). */
  row?: number;
  reason?: RejectReason;
  /** One line for people (skipped files only). */
  message?: string;
  fromCache: boolean;
}

export interface SkippedFile {
  path: string;
  folder: string;
  label: 0 | 1;
  reason: RejectReason;
  message: string;
}

export interface FolderSummary {
  /** As given, and resolved. */
  path: string;
  root: string;
  label: 0 | 1;
  /** Files listed (skipped folders and links not included). */
  files: number;
  accepted: number;
  skipped: number;
  fromCache: number;
  /** maxFiles stopped the scan of this folder. */
  capped: boolean;
  /** 'off': no cache folder; 'none': no cache yet; 'corrupt': it was damaged and rebuilt. */
  cache: 'off' | 'none' | 'loaded' | 'corrupt' | 'stale-options';
}

export interface ImportReport {
  /** Every file, folder or link that was looked at, in scan order. */
  files: FileOutcome[];
  accepted: number;
  skipped: SkippedFile[];
  /** Counts of skipped entries per reason. */
  reasons: Partial<Record<RejectReason, number>>;
  /** Groups of paths with identical pixels after preprocessing. */
  duplicates: string[][];
  /** Paths whose pixels also appear in the other class. */
  inBothClasses: string[];
  folders: FolderSummary[];
  seconds: number;
  /** Seconds per stage (scan, cacheIndex, cacheCheck, decode, readCache, saveCache, report), for benchmarks. */
  phases: Record<string, number>;
  /** Accepted images read from the cache instead of decoded. */
  fromCache: number;
  /** Class imbalance, caps hit, cache rebuilt, ... one sentence each. */
  warnings: string[];
}

/** Lines for a terminal: totals, skips by reason (with up to `examples` paths each), warnings. */
export function formatImportSummary(report: ImportReport, examples = 3): string[] {
  const lines: string[] = [];
  const n = report.accepted + report.skipped.length;
  lines.push(
    `Imported ${report.accepted} of ${n} files in ${report.seconds.toFixed(2)} s` +
      ` (${report.fromCache} from cache, ${report.skipped.length} skipped).`,
  );
  for (const f of report.folders)
    lines.push(`  ${f.label === 1 ? '+' : '-'} ${f.path}: ${f.accepted} accepted, ${f.skipped} skipped`);
  const byReason = new Map<RejectReason, SkippedFile[]>();
  for (const s of report.skipped) {
    const list = byReason.get(s.reason) ?? [];
    list.push(s);
    byReason.set(s.reason, list);
  }
  for (const [reason, list] of byReason) {
    lines.push(`  skipped ${list.length} x ${REASON_LABELS[reason]}:`);
    for (const s of list.slice(0, examples)) lines.push(`    ${s.path}: ${s.message}`);
    if (list.length > examples) lines.push(`    ... and ${list.length - examples} more`);
  }
  if (report.duplicates.length > 0)
    lines.push(`  ${report.duplicates.length} groups of identical images (same pixels after preprocessing).`);
  for (const w of report.warnings) lines.push(`Warning: ${w}`);
  return lines;
}
