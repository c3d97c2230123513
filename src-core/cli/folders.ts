// Labelled folders for the command line: --positive DIR / --negative DIR through the data layer's
// importFolders (sharp preprocessing, skips with reasons, optional vector cache), summary on stderr.

import { importFolders } from '../data/import.js';
import { formatImportSummary } from '../data/report.js';
import type { ResizeMode } from '../nn/model.js';
import type { CliIO } from './terminal.js';

export interface LabelledImages {
  /** (m, 12288) bytes and (m) labels, 1 = positive. */
  X: Uint8Array;
  Y: Uint8Array;
  m: number;
  positives: number;
}

export async function loadLabelledFolders(
  positive: string,
  negative: string,
  opts: { classNames: [string, string]; resize: ResizeMode; cacheDir?: string; what: string; io: CliIO },
): Promise<LabelledImages> {
  const { dataset, report } = await importFolders({
    folders: [
      { path: positive, label: 1 },
      { path: negative, label: 0 },
    ],
    resize: opts.resize,
    classNames: opts.classNames,
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
  });
  for (const line of formatImportSummary(report)) opts.io.err(`${opts.what}: ${line}`);
  const { positive: positives } = dataset.counts();
  if (dataset.m === 0) {
    throw new Error(`no usable ${opts.what} images in ${positive} and ${negative} (see the skipped files above)`);
  }
  return { X: dataset.pixels, Y: dataset.labels, m: dataset.m, positives };
}
