// `catnet train --positive DIR --negative DIR [...]`: import two folders, train in a worker thread with
// a progress bar, report accuracies, and save a verified .onnx (--out). Ctrl-C stops training and
// still reports (and saves) the model so far. --init-from MODEL.onnx continues training that model: its
// layers, activation, class names, resize mode and threshold are used unless given (and then must match).
// --preset NAME fills every setting not given on the command line from a preset (train/presets.ts).

export type { TrainCommandOptions } from './train-settings.js';

import type { Command } from 'commander';
import { INIT_METHODS } from '../nn/init.js';
import { ACTIVATIONS } from '../nn/model.js';
import { loadModelFile, saveModel } from '../onnx/model-file.js';
import { formatAugmentation, isAugmenting } from '../train/augment.js';
import { OPTIMIZERS } from '../train/optimizers.js';
import type { TrainingData, TrainOptions, TrainResult } from '../train/options.js';
import { PRESET_IDS } from '../train/presets.js';
import { trainInWorker } from '../train/trainer.js';
import { augment, choice, layers, names, number, wholeAtLeast } from './arguments.js';
import { loadLabelledFolders } from './folders.js';
import { type CliIO, errorText, processIO, trainingProgressBar } from './terminal.js';
import { applyPreset, DEFAULTS, resolveNetwork, type TrainCommandOptions } from './train-settings.js';

const percent = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);

/** Runs the command; returns the exit code (0 done, 1 failed or diverged, 130 interrupted). */
export async function runTrain(o: TrainCommandOptions, io: CliIO = processIO): Promise<number> {
  if (o.out && !o.out.toLowerCase().endsWith('.onnx')) {
    io.err(`catnet train: --out must name a .onnx file (got ${o.out}).`);
    return 1;
  }
  if (Boolean(o.testPositive) !== Boolean(o.testNegative)) {
    io.err('catnet train: give both --test-positive and --test-negative, or neither.');
    return 1;
  }
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.err('Stopping after this iteration (Ctrl-C again to quit at once)...');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = trainingProgressBar();
  try {
    const initial = o.initFrom ? await loadModelFile(o.initFrom) : null;
    const { layers, activation, names, resize } = resolveNetwork(o, initial);
    const common = { classNames: names, resize, cacheDir: o.cache, io };
    const train = await loadLabelledFolders(o.positive, o.negative, { ...common, what: 'training' });
    const data: TrainingData = { X: train.X, Y: train.Y, m: train.m };
    if (o.testPositive && o.testNegative) {
      const test = await loadLabelledFolders(o.testPositive, o.testNegative, { ...common, what: 'test' });
      Object.assign(data, { Xtest: test.X, Ytest: test.Y, mtest: test.m });
    }
    const options: TrainOptions = {
      layers,
      activation,
      init: o.init,
      learningRate: o.learningRate,
      iterations: o.batchSize > 0 ? (o.epochs ?? o.iterations ?? 100) : (o.iterations ?? o.epochs ?? 2500),
      batchSize: o.batchSize,
      optimizer: o.optimizer,
      l2: o.l2,
      decayRate: o.decay,
      validationFraction: o.validation,
      patience: o.patience,
      seed: o.seed,
      augment: o.augment,
      classNames: names,
      resize,
      ...(initial ? { initialModel: initial, threshold: initial.threshold } : {}),
    };
    const result = await trainInWorker(data, options, { onProgress: (p) => bar.update(p), signal: controller.signal });
    bar.stop();
    const saved = o.out
      ? await saveModel(o.out, result.model, train.X.subarray(0, Math.min(train.m, 16) * 12288), Math.min(train.m, 16))
      : null;
    report(result, { ...o, layers, activation }, saved, io);
    if (result.stopped === 'diverged') return 1;
    if (result.stopped === 'cancelled') return 130;
    return 0;
  } catch (error) {
    bar.stop();
    io.err(`catnet train: ${errorText(error)}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function report(
  r: TrainResult,
  o: TrainCommandOptions,
  saved: { path: string; bytes: number; maxDifference: number } | null,
  io: CliIO,
): void {
  const backend = `${r.backend.backend}/${r.backend.isa}`;
  if (o.json) {
    io.out(
      JSON.stringify({
        train_accuracy: r.trainAccuracy,
        ...(r.validationAccuracy !== undefined ? { validation_accuracy: r.validationAccuracy } : {}),
        ...(r.testAccuracy !== undefined ? { test_accuracy: r.testAccuracy } : {}),
        final_cost: r.finalCost,
        iterations: r.iterations,
        seconds: r.seconds,
        backend,
        threads: r.backend.threads,
        stopped: r.stopped,
        ...(r.message ? { message: r.message } : {}),
        layers: r.model.config.layerDims,
        layers_text: o.layers,
        augment: formatAugmentation(o.augment),
        ...(o.initFrom ? { init_from: o.initFrom } : {}),
        train_images: r.model.summary.trainImages,
        ...(r.model.summary.testImages !== undefined ? { test_images: r.model.summary.testImages } : {}),
        ...(saved ? { model: saved.path, model_bytes: saved.bytes, onnx_max_difference: saved.maxDifference } : {}),
      }),
    );
    return;
  }
  if (r.message) io.err(r.message);
  const start = o.initFrom ? `continued from ${o.initFrom}` : `${o.init} init`;
  const network = o.layers === '' ? 'logistic regression' : o.layers;
  io.out(
    `network      ${network} -> [${r.model.config.layerDims.join(', ')}], ${o.activation}, ${start}, ${o.optimizer}`,
  );
  if (isAugmenting(o.augment)) io.out(`augment      ${formatAugmentation(o.augment)}`);
  io.out(`backend      ${backend}, ${r.backend.threads} thread(s)${r.backend.reason ? ` (${r.backend.reason})` : ''}`);
  io.out(`iterations   ${r.iterations} in ${r.seconds.toFixed(2)} s (${r.stopped})`);
  io.out(`final cost   ${r.finalCost.toFixed(6)}`);
  io.out(`train        ${percent(r.trainAccuracy)} of ${r.model.summary.trainImages} images`);
  if (r.validationAccuracy !== undefined)
    io.out(`validation   ${percent(r.validationAccuracy)} of ${r.model.summary.validationImages} images`);
  if (r.testAccuracy !== undefined)
    io.out(`test         ${percent(r.testAccuracy)} of ${r.model.summary.testImages} images`);
  if (saved)
    io.out(
      `saved        ${saved.path} (${saved.bytes} bytes, onnxruntime agrees within ${saved.maxDifference.toExponential(1)})`,
    );
}

/** Adds `train` to catnet's command line. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a classifier on a folder of positive and a folder of negative images')
    .requiredOption('--positive <dir>', 'images of the positive class (label 1)')
    .requiredOption('--negative <dir>', 'images of the negative class (label 0)')
    .option('--names <positive,negative>', 'class names', names, DEFAULTS.names)
    .option(
      '--preset <name>',
      `start from a preset (${PRESET_IDS.join(', ')}); options given on the command line win`,
      choice('--preset', PRESET_IDS),
    )
    .option(
      '--layers <list>',
      'layers: cN = 3x3 conv with N filters (cNk5: 5x5), p = 2x2 max-pool, numbers = dense units; e.g. c16,p,c32,p,c64,p,64 or 20,7,5; "" = logistic regression',
      layers,
      DEFAULTS.layers,
    )
    .option(
      '--activation <g>',
      `hidden activation: ${ACTIVATIONS.join(', ')}`,
      choice('--activation', ACTIVATIONS),
      DEFAULTS.activation,
    )
    .option('--init <method>', `initialisation: ${INIT_METHODS.join(', ')}`, choice('--init', INIT_METHODS), 'course')
    .option('--iterations <n>', 'full-batch iterations (default 2500)', wholeAtLeast('--iterations', 1))
    .option('--epochs <n>', 'epochs with --batch-size (default 100)', wholeAtLeast('--epochs', 1))
    .option(
      '--learning-rate <alpha>',
      'learning rate',
      number('--learning-rate', (x) => x > 0, 'a number > 0'),
      0.0075,
    )
    .option('--batch-size <b>', 'mini-batch size; 0 = full batch', wholeAtLeast('--batch-size', 0), 0)
    .option('--optimizer <name>', `${OPTIMIZERS.join(', ')}`, choice('--optimizer', OPTIMIZERS), 'gd')
    .option(
      '--l2 <lambda>',
      'L2 regularisation',
      number('--l2', (x) => x >= 0, 'a number >= 0'),
      0,
    )
    .option(
      '--decay <rate>',
      'learning-rate decay: alpha0 / (1 + rate * epoch)',
      number('--decay', (x) => x >= 0, 'a number >= 0'),
      0,
    )
    .option(
      '--validation <fraction>',
      'hold out this fraction for validation',
      number('--validation', (x) => x >= 0 && x < 1, 'in [0, 1)'),
      0,
    )
    .option(
      '--patience <checks>',
      'early stopping after this many validation checks without improvement',
      wholeAtLeast('--patience', 0),
      0,
    )
    .option('--seed <s>', 'random seed (1 = the course)', wholeAtLeast('--seed', 0), 1)
    .option(
      '--augment <list>',
      'random changes to each training batch: flip, shift (4 px; shiftN for N), or none',
      augment,
      { flip: false, shift: 0 },
    )
    .option('--test-positive <dir>', 'test images of the positive class')
    .option('--test-negative <dir>', 'test images of the negative class')
    .option(
      '--resize <mode>',
      'cover (centre crop), fill or contain',
      choice('--resize', ['cover', 'fill', 'contain'] as const),
      'cover',
    )
    .option(
      '--init-from <model.onnx>',
      'continue training this model (its layers, activation, names, resize and threshold unless given; --init unused)',
    )
    .option('--out <file.onnx>', 'save the model (verified with onnxruntime before writing)')
    .option('--cache <dir>', 'cache decoded images here')
    .option('--json', 'print one JSON object with the results')
    .action(async (opts: TrainCommandOptions, command: Command) => {
      const given = (key: string) => command.getOptionValueSource(key) === 'cli';
      const fromPreset = opts.preset ? applyPreset(opts, opts.preset, given) : new Set<string>();
      // With --init-from, options left at their default come from the model instead.
      if (opts.initFrom)
        for (const key of ['names', 'layers', 'activation', 'resize'] as const)
          if (!given(key) && !fromPreset.has(key)) delete opts[key];
      process.exitCode = await runTrain(opts);
    });
}
