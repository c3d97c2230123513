// `catnet inspect MODEL.onnx [--json]`: what a model file is (network, classes, threshold,
// preprocessing, training summary, graph names) after the same checks as opening it in the app.

import type { Command } from 'commander';
import { parameterCount } from '../nn/config.js';
import { layerSummary } from '../nn/shapes.js';
import { formatLayers } from '../nn/spec.js';
import { analyseOnnx } from '../onnx/import.js';
import { KEY } from '../onnx/metadata.js';
import { readModelBytes } from '../onnx/model-file.js';
import { type CliIO, errorText, processIO } from './terminal.js';

/** Returns the exit code: 0 when the file is a model catnet can use. */
export async function runInspect(modelPath: string, json: boolean, io: CliIO = processIO): Promise<number> {
  let info: ReturnType<typeof describe>;
  try {
    const bytes = await readModelBytes(modelPath);
    info = describe(analyseOnnx(bytes, modelPath), bytes.length);
  } catch (e) {
    io.err(`catnet inspect: ${errorText(e)}`);
    return 1;
  }
  if (json) {
    io.out(JSON.stringify({ file: modelPath, ...info }, null, 2));
    return 0;
  }
  io.out(`file          ${modelPath} (${info.bytes} bytes)`);
  io.out(`producer      ${info.producer}`);
  io.out(`network       [${info.network.layerDims.join(', ')}]  activations [${info.network.activations.join(', ')}]`);
  if (info.network.features?.length) io.out(`layers text   ${info.network.layers}`);
  io.out(`parameters    ${info.network.parameters}`);
  io.out(`layers        ${'type'.padEnd(32)}${'output shape'.padEnd(16)}parameters`);
  for (const row of info.layers)
    io.out(`              ${row.label.padEnd(32)}${`(${row.shape.join(', ')})`.padEnd(16)}${row.params}`);
  io.out(`classes       label 1 = "${info.classNames[0]}", label 0 = "${info.classNames[1]}"`);
  io.out(`threshold     ${info.threshold}`);
  io.out(`input         ${info.graph.input}: uint8 [N, 64, 64, 3] (RGB, HWC, 0..255)`);
  io.out(
    `outputs       ${info.graph.probability}: float32 [N, 1]${info.graph.label ? `; ${info.graph.label}: int64 [N]` : ''}`,
  );
  io.out(`resize        ${info.resize}`);
  for (const [k, v] of Object.entries(info.preprocessing ?? {})) io.out(`  ${k.padEnd(14)}${v}`);
  io.out('training');
  const summary = Object.entries(info.training);
  if (summary.length === 0) io.out('  (no training summary in this file)');
  for (const [k, v] of summary) io.out(`  ${k.padEnd(20)}${typeof v === 'object' ? JSON.stringify(v) : v}`);
  io.out('metadata');
  for (const [k, v] of Object.entries(info.metadata))
    io.out(`  ${k} = ${v.length > 200 ? `${v.slice(0, 200)}...` : v}`);
  return 0;
}

function describe(a: ReturnType<typeof analyseOnnx>, bytes: number) {
  const { config, classNames, threshold, resize, summary } = a.model;
  let preprocessing: Record<string, unknown> | undefined;
  try {
    preprocessing = JSON.parse(a.metadata[KEY.preprocessing] ?? 'null') ?? undefined;
  } catch {
    preprocessing = undefined;
  }
  const parameters = parameterCount(config);
  const layers = layerSummary(config).map(({ kind, label, shape, params }) => ({ kind, label, shape, params }));
  return {
    bytes,
    producer: a.producer,
    network: { ...config, layers: formatLayers(config), parameters },
    layers,
    classNames,
    threshold,
    resize,
    preprocessing,
    training: summary,
    graph: { input: a.inputName, probability: a.probabilityName, label: a.labelName },
    metadata: a.metadata,
  };
}

/** Adds `inspect` to catnet's command line. */
export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description("print a model file's network, classes, preprocessing and training summary")
    .argument('<model>', 'a .onnx file')
    .option('--json', 'print JSON')
    .action(async (modelPath: string, opts: { json?: boolean }) => {
      process.exitCode = await runInspect(modelPath, Boolean(opts.json), processIO);
    });
}
