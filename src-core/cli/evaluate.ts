// `catnet evaluate MODEL.onnx --positive DIR --negative DIR [--json]`: the model's accuracy, precision,
// recall, F1 and confusion matrix on labelled folders, computed by the engine (same numbers the app
// shows), with the model's own resize mode and threshold.

import { type Command, InvalidArgumentError } from 'commander';
import { predictProbabilities } from '../nn/predict.js';
import { loadModelFile } from '../onnx/model-file.js';
import { metrics } from '../train/metrics.js';
import { loadLabelledFolders } from './folders.js';
import { type CliIO, errorText, processIO } from './terminal.js';

export interface EvaluateCommandOptions {
  positive: string;
  negative: string;
  threshold?: number;
  cache?: string;
  json?: boolean;
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Runs the command; returns the exit code (0 = evaluated). */
export async function runEvaluate(
  modelPath: string,
  o: EvaluateCommandOptions,
  io: CliIO = processIO,
): Promise<number> {
  try {
    const model = await loadModelFile(modelPath);
    const images = await loadLabelledFolders(o.positive, o.negative, {
      classNames: model.classNames,
      resize: model.resize,
      cacheDir: o.cache,
      what: 'evaluation',
      io,
    });
    const threshold = o.threshold ?? model.threshold;
    const p = predictProbabilities(model, images.X, images.m);
    const r = metrics(p, images.Y, images.m, threshold);
    const [positive, negative] = model.classNames;
    if (o.json) {
      io.out(JSON.stringify({ model: modelPath, classNames: model.classNames, ...r }));
      return 0;
    }
    io.out(`model      ${modelPath} [${model.config.layerDims.join(', ')}]`);
    io.out(
      `images     ${r.m} (${images.positives} ${positive}, ${r.m - images.positives} ${negative}), threshold ${threshold}`,
    );
    io.out(`accuracy   ${percent(r.accuracy)}`);
    io.out(`precision  ${percent(r.precision)}`);
    io.out(`recall     ${percent(r.recall)}`);
    io.out(`F1         ${r.f1.toFixed(3)}`);
    const w = Math.max(positive.length, negative.length) + 18;
    io.out(`${''.padEnd(w)}predicted ${positive}   predicted ${negative}`);
    io.out(
      `${`actual ${positive}`.padEnd(w)}${String(r.tp).padStart(10 + positive.length)}   ${String(r.fn).padStart(10 + negative.length)}`,
    );
    io.out(
      `${`actual ${negative}`.padEnd(w)}${String(r.fp).padStart(10 + positive.length)}   ${String(r.tn).padStart(10 + negative.length)}`,
    );
    return 0;
  } catch (error) {
    io.err(`catnet evaluate: ${errorText(error)}`);
    return 1;
  }
}

/** Adds `evaluate` to catnet's command line. */
export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('accuracy, precision, recall, F1 and confusion matrix of a model on labelled folders')
    .argument('<model>', 'a .onnx file written by catnet')
    .requiredOption('--positive <dir>', 'images of the positive class')
    .requiredOption('--negative <dir>', 'images of the negative class')
    .option('--threshold <t>', "decision threshold (default: the model's)", (v: string) => {
      const t = Number(v);
      if (!(t > 0 && t < 1)) throw new InvalidArgumentError(`--threshold must be between 0 and 1, got "${v}".`);
      return t;
    })
    .option('--cache <dir>', 'cache decoded images here')
    .option('--json', 'print one JSON object')
    .action(async (modelPath: string, opts: EvaluateCommandOptions) => {
      process.exitCode = await runEvaluate(modelPath, opts);
    });
}
