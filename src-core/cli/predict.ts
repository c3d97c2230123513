// `catnet predict MODEL.onnx IMAGE_OR_DIR... [--json | --csv]`: onnxruntime over any number of image
// files with the model's own preprocessing (resize mode from its metadata). Bad files are skipped with
// a reason and never stop the others. When a file's folder is named like one of the model's classes,
// the accuracy against those folder names is reported too.

import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { scanFolder } from '../data/folders.js';
import { loadImages } from '../data/load-images.js';
import { loadClassifierFile } from '../onnx/model-file.js';
import type { OnnxClassifier } from '../onnx/runtime.js';
import { PREDICTION_CSV_HEADER, predictionCsvLine } from './csv.js';
import { type CliIO, errorText, processIO } from './terminal.js';

export type PredictFormat = 'text' | 'json' | 'csv';

interface Row {
  file: string;
  probability: number;
  label: 0 | 1;
  className: string;
}
interface Skip {
  file: string;
  reason: string;
  message: string;
}

/** Images decoded and classified per step: bounds memory for folders of any size. */
const BATCH = 256;

/** Runs the command; returns the process exit code (0 = at least one image classified). */
export async function runPredict(
  modelPath: string,
  inputs: string[],
  format: PredictFormat,
  io: CliIO = processIO,
): Promise<number> {
  let classifier: OnnxClassifier;
  try {
    classifier = await loadClassifierFile(modelPath);
  } catch (e) {
    io.err(`catnet predict: ${errorText(e)}`);
    return 1;
  }
  try {
    const model = classifier.model;
    const [positive, negative] = model.classNames;
    const rows: Row[] = [];
    const skipped: Skip[] = [];
    const files = await listFiles(inputs, skipped);
    if (format === 'csv') io.out(PREDICTION_CSV_HEADER);
    for (let start = 0; start < files.length; start += BATCH) {
      const batch = files.slice(start, start + BATCH);
      const { X, files: loaded } = await loadBatch(batch, model.resize, skipped);
      if (loaded.length === 0) continue;
      let P: Float32Array;
      try {
        P = await classifier.predict(X, loaded.length);
      } catch (e) {
        io.err(`catnet predict: ${errorText(e)}`); // e.g. a NaN probability: an error, never a prediction
        return 1;
      }
      for (const [i, file] of loaded.entries()) {
        const label = P[i] >= model.threshold ? 1 : 0;
        const row: Row = { file, probability: P[i], label, className: label ? positive : negative };
        rows.push(row);
        if (format === 'text') io.out(`${row.probability.toFixed(6)}  ${label}  ${row.className.padEnd(12)}  ${file}`);
        if (format === 'csv') io.out(predictionCsvLine(file, row.probability, label, row.className));
      }
    }
    const accuracy = folderAccuracy(rows, positive, negative);
    if (format === 'json') {
      io.out(
        JSON.stringify(
          {
            model: modelPath,
            classNames: model.classNames,
            threshold: model.threshold,
            resize: model.resize,
            results: rows,
            skipped,
            accuracy,
          },
          null,
          2,
        ),
      );
    } else {
      for (const s of skipped) io.err(`skipped ${s.file}: ${s.message}`);
      const positives = rows.filter((r) => r.label === 1).length;
      io.err(
        `${rows.length} image(s) classified (${positives} "${positive}", ${rows.length - positives} "${negative}"), ` +
          `${skipped.length} skipped.`,
      );
      if (accuracy)
        io.err(
          `accuracy against folder names: ${accuracy.accuracy.toFixed(4)} (${accuracy.correct}/${accuracy.total} in folders named "${positive}" or "${negative}")`,
        );
    }
    if (rows.length === 0) {
      if (format === 'json') io.err('catnet predict: no image could be classified.');
      return 1;
    }
    return 0;
  } finally {
    await classifier.release();
  }
}

/** Files named on the command line, and the regular files inside named folders (recursively). */
async function listFiles(inputs: string[], skipped: Skip[]): Promise<Array<{ fsPath: string | Buffer; path: string }>> {
  const files: Array<{ fsPath: string | Buffer; path: string }> = [];
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = (await stat(input)).isDirectory();
    } catch {
      // a missing path is reported by the loader with its reason
    }
    if (!isDir) {
      files.push({ fsPath: input, path: input });
      continue;
    }
    const scan = await scanFolder(input);
    for (const s of scan.skipped) skipped.push({ file: s.path, reason: s.reason, message: s.message });
    files.push(...scan.files);
  }
  return files;
}

/** The batch's accepted images, (m, 12288) bytes in X (already contiguous: no copy), and their files. */
async function loadBatch(
  batch: Array<{ fsPath: string | Buffer; path: string }>,
  resize: 'cover' | 'fill' | 'contain',
  skipped: Skip[],
): Promise<{ X: Uint8Array; files: string[] }> {
  const { pixels, accepted, rejected } = await loadImages(
    batch.map((f) => f.fsPath),
    resize,
  );
  for (const r of rejected) skipped.push({ file: batch[r.index].path, reason: r.reason, message: r.message });
  return { X: pixels, files: accepted.map((k) => batch[k].path) };
}

/** Accuracy over files whose parent folder is named like a class (e.g. test/cat, test/non-cat). */
function folderAccuracy(rows: Row[], positive: string, negative: string) {
  let total = 0;
  let correct = 0;
  for (const r of rows) {
    const folder = basename(dirname(r.file));
    const truth = folder === positive ? 1 : folder === negative ? 0 : undefined;
    if (truth === undefined) continue;
    total++;
    if (truth === r.label) correct++;
  }
  return total > 0 ? { accuracy: correct / total, correct, total } : undefined;
}

/** Adds `predict` to catnet's command line. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("classify images with an exported model (onnxruntime, the model's own preprocessing)")
    .argument('<model>', 'a .onnx file written by catnet (or an equivalent fully connected network)')
    .argument('<images...>', 'image files and/or folders (searched recursively)')
    .option('--json', 'print one JSON document')
    .option('--csv', 'print CSV: file,probability,label,class')
    .action(async (modelPath: string, images: string[], opts: { json?: boolean; csv?: boolean }) => {
      if (opts.json && opts.csv) program.error('catnet predict: choose one of --json and --csv.');
      const format: PredictFormat = opts.json ? 'json' : opts.csv ? 'csv' : 'text';
      process.exitCode = await runPredict(modelPath, images, format, processIO);
    });
}
