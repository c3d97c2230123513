// catnet's command line (dist/core/cli.mjs, run by bin/catnet.mjs): a list of subcommands, one file
// each under src-core/cli/.

import './thread-pool-size.js'; // first: sizes libuv's thread pool before anything uses it
import { Command } from 'commander';
import { registerEvaluate } from './cli/evaluate.js';
import { registerInspect } from './cli/inspect.js';
import { registerPredict } from './cli/predict.js';
import { registerTrain } from './cli/train.js';
import { appVersion } from './paths.js';

const program = new Command('catnet')
  .description('Train a binary image classifier on your own machine and export it to ONNX.')
  .version(appVersion());

registerTrain(program);
registerEvaluate(program);
registerPredict(program);
registerInspect(program);

await program.parseAsync(process.argv);
