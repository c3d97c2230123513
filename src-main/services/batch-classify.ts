// A whole folder (or some files) through the current model, as `catnet predict DIR` does: the files
// are listed (folders recursively), decoded a batch at a time by the import's decoders (sharp and the
// fast JPEG path run on libuv's threads, not this one), scored with the chunked forward pass, and
// reported with 'batch-progress' events. One run at a time; stop() ends it after the current batch
// with what was classified so far. The last result is kept (rows, the 64x64 inputs for thumbnails)
// until the next run, for the table, its thumbnails and the CSV export.

import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { PREDICTION_CSV_HEADER, predictionCsvLine } from '../../src-core/cli/csv.js';
import { scanFolder } from '../../src-core/data/index.js';
import { loadImages } from '../../src-core/data/load-images.js';
import type { Model } from '../../src-core/nn/model.js';
import { N_X } from '../../src-core/nn/model.js';
import type { BatchResult, BatchRow, SkippedFile } from '../contract.js';
import { pngDataUrl } from './library.js';
import { predictChunked } from './predict-chunked.js';

/** Files decoded per step: bounds memory, and a stop takes effect within one batch. */
export const BATCH_FILES = 256;
/** At most this many images per run (their 64x64 inputs are kept for the table: 12 KB each). */
export const MAX_BATCH_IMAGES = 50_000;
const PROGRESS_MS = 100;

/** A file to classify: where to open it, and the path shown to the user (and written to the CSV). */
export interface BatchFile {
  fsPath: string | Buffer;
  path: string;
}

export interface BatchProgress {
  done: number;
  total: number;
  rate: number;
}

/** The class a file's folder names (exactly a class name, as `catnet predict` counts accuracy), if any. */
export function classOfFolder(path: string, classNames: readonly [string, string]): 0 | 1 | undefined {
  const folder = basename(dirname(path.replaceAll('\\', '/')));
  return folder === classNames[0] ? 1 : folder === classNames[1] ? 0 : undefined;
}

/** The files under `paths` (folders scanned recursively; files as given), and what could not be listed. */
export async function listBatchFiles(
  paths: readonly string[],
  shown: (path: string) => string = (p) => p,
): Promise<{ files: BatchFile[]; skipped: SkippedFile[] }> {
  const files: BatchFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info?.isDirectory()) {
      files.push({ fsPath: path, path: shown(path) });
      continue;
    }
    const scan = await scanFolder(path, { maxFiles: MAX_BATCH_IMAGES - files.length });
    for (const s of scan.skipped) skipped.push({ path: shown(s.path), reason: s.message });
    for (const w of scan.warnings) skipped.push({ path: shown(path), reason: w });
    for (const f of scan.files) files.push({ fsPath: f.fsPath, path: shown(f.path) });
  }
  if (files.length > MAX_BATCH_IMAGES) {
    skipped.push({
      path: shown(paths[0] ?? ''),
      reason: `only the first ${MAX_BATCH_IMAGES.toLocaleString('en')} files were classified; choose a smaller folder for the rest`,
    });
    files.length = MAX_BATCH_IMAGES;
  }
  return { files, skipped };
}

export class BatchClassifier {
  private running: AbortController | null = null;
  private last: { result: BatchResult; pixels: Uint8Array[] } | null = null;

  get busy(): boolean {
    return this.running !== null;
  }

  /** Classifies `files`; the result lists every image in file order, and every file skipped with its reason. */
  async run(
    model: Model,
    source: string,
    listed: { files: BatchFile[]; skipped: SkippedFile[] },
    onProgress: (p: BatchProgress) => void,
  ): Promise<BatchResult> {
    if (this.running) throw new Error('A folder is already being classified: stop it first, or wait for it to finish');
    const controller = new AbortController();
    this.running = controller;
    this.last = null;
    const t0 = performance.now();
    const { files } = listed;
    const skipped = [...listed.skipped];
    const rows: BatchRow[] = [];
    const pixels: Uint8Array[] = [];
    const [positive, negative] = model.classNames;
    let lastProgress = -Infinity;
    try {
      for (let start = 0; start < files.length && !controller.signal.aborted; start += BATCH_FILES) {
        const batch = files.slice(start, start + BATCH_FILES);
        const loaded = await loadImages(
          batch.map((f) => f.fsPath),
          model.resize,
        );
        for (const r of loaded.rejected) skipped.push({ path: batch[r.index]!.path, reason: r.message });
        const m = loaded.accepted.length;
        if (m > 0) {
          const X = loaded.pixels.slice(0, m * N_X); // own copy: kept for the thumbnails
          const P = await predictChunked(model, X, m);
          for (const [i, k] of loaded.accepted.entries()) {
            const file = batch[k]!.path;
            const probability = P[i]!;
            const label: 0 | 1 = probability >= model.threshold ? 1 : 0;
            const truth = classOfFolder(file, model.classNames);
            rows.push({
              id: rows.length,
              file,
              probability,
              label,
              className: label === 1 ? positive : negative,
              ...(truth !== undefined ? { truth } : {}),
            });
          }
          pixels.push(X);
        }
        const done = Math.min(files.length, start + batch.length);
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_MS || done === files.length) {
          lastProgress = now;
          onProgress({ done, total: files.length, rate: done / Math.max(1e-3, (now - t0) / 1000) });
        }
      }
    } finally {
      this.running = null;
    }
    const result = summarise(rows, {
      source,
      classNames: [positive, negative],
      threshold: model.threshold,
      skipped,
      seconds: (performance.now() - t0) / 1000,
      cancelled: controller.signal.aborted,
    });
    this.last = { result, pixels };
    return result;
  }

  stop(): { stopping: boolean } {
    if (!this.running) return { stopping: false };
    this.running.abort();
    return { stopping: true };
  }

  /** PNG data URLs of rows of the last run (unknown ids left out). */
  async thumbnails(ids: readonly number[]): Promise<Record<number, string>> {
    const out: Record<number, string> = {};
    const last = this.last;
    if (!last) return out;
    for (const id of ids) {
      const vector = vectorAt(last.pixels, id);
      if (vector) out[id] = await pngDataUrl(vector);
    }
    return out;
  }

  /** The last run as `catnet predict --csv` prints it. */
  csv(): string {
    if (!this.last) throw new Error('Nothing has been classified yet: drop or choose a folder on the classify box');
    const lines = [PREDICTION_CSV_HEADER];
    for (const r of this.last.result.rows) lines.push(predictionCsvLine(r.file, r.probability, r.label, r.className));
    return `${lines.join('\n')}\n`;
  }

  clear(): void {
    this.last = null;
  }
}

/** Row `id`'s 64x64 input: rows are stored in batches of whole rows, in order. */
function vectorAt(pixels: readonly Uint8Array[], id: number): Uint8Array | undefined {
  let row = id;
  for (const X of pixels) {
    const m = X.length / N_X;
    if (row < m) return X.subarray(row * N_X, (row + 1) * N_X);
    row -= m;
  }
  return undefined;
}

function summarise(rows: BatchRow[], rest: Omit<BatchResult, 'rows' | 'counts' | 'accuracy'>): BatchResult {
  let positives = 0;
  let total = 0;
  let correct = 0;
  for (const r of rows) {
    positives += r.label;
    if (r.truth === undefined) continue;
    total++;
    if (r.truth === r.label) correct++;
  }
  return {
    ...rest,
    rows,
    counts: [positives, rows.length - positives],
    ...(total > 0 ? { accuracy: { accuracy: correct / total, correct, total } } : {}),
  };
}
