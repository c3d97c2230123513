// train(): set up a run (options, data, network, optimiser), let the TrainingLoop (loop.ts) run it,
// then measure the returned parameters and package the model. Every failure before the loop is a
// TrainError with a code (errors.ts); outcomes of the loop (cancelled, diverged, early-stopped) are
// results, never errors.

import type { Kernels } from '../kernels/kernels.js';
import { getKernels } from '../kernels/select.js';
import { initializeParameters } from '../nn/init.js';
import { type Model, N_X, type NetworkConfig } from '../nn/model.js';
import { Network } from '../nn/network.js';
import { formatLayers } from '../nn/spec.js';
import { formatAugmentation, isAugmenting } from './augment.js';
import { checkData, type TrainingInput } from './data.js';
import { asTrainError } from './errors.js';
import { gatherTrainingData } from './gather.js';
import { checkInitialModel } from './initial-model.js';
import { TrainingLoop } from './loop.js';
import { checkTrainingMemory, defaultMemoryBudget } from './memory-budget.js';
import { accuracy } from './metrics.js';
import { inputShape, requestedNetwork } from './network-choice.js';
import { createOptimizer } from './optimizers.js';
import type { TrainOptions } from './options.js';
import { type ResolvedOptions, resolveOptions } from './resolve.js';
import type { TrainHooks, TrainResult } from './result.js';
import { splitValidation } from './split.js';

export async function train(input: TrainingInput, options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const o = resolveOptions(options);
  // Pixels given as runs over several buffers are copied here: in the worker, not the main thread.
  const data = gatherTrainingData(input);
  const kernels = hooks.kernels ?? getKernels();
  const n_x = data.n_x ?? N_X;
  checkData(data, n_x);
  const config = requestedNetwork(options, n_x);
  const initial = options.initialModel;
  if (initial) checkInitialModel(initial, config);
  const image = inputShape(n_x);
  const mTrain = data.m - (o.validationFraction > 0 ? Math.round(o.validationFraction * data.m) : 0);
  checkTrainingMemory(
    {
      config,
      image,
      n_x,
      m: mTrain,
      mAll: data.m,
      batch: o.batchSize === 0 || o.batchSize >= mTrain ? mTrain : o.batchSize,
      optimizer: o.optimizer,
      validation: o.validationFraction > 0,
      earlyStopping: o.patience > 0,
      augment: isAugmenting(o.augment),
    },
    options.memoryLimitBytes ?? defaultMemoryBudget(),
  );
  let split: ReturnType<typeof splitValidation>;
  try {
    split = splitValidation({ X: data.X, Y: data.Y, m: data.m }, n_x, o.validationFraction, o.seed);
  } catch (error) {
    throw asTrainError(error, 'no-data');
  }
  const m = split.train.m;
  const B = o.batchSize === 0 || o.batchSize >= m ? m : o.batchSize;
  let net: Network;
  try {
    net = new Network(config, B, kernels, image);
  } catch (error) {
    throw asTrainError(error, 'bad-layers');
  }
  if (initial) net.setParameters(initial.params);
  else initializeParameters(net.params, config, o.init, o.seed);
  const optimizer = createOptimizer(o.optimizer, net.paramSlab.length, kernels, o);

  const loop = new TrainingLoop({
    net,
    optimizer,
    options: o,
    train: split.train,
    validation: split.validation,
    n_x,
    hooks,
  });
  await loop.run();

  // Final figures with the parameters being returned.
  const { train: tr, validation: va } = split;
  const trainProbabilities = new Float32Array(m);
  const trainCost = net.datasetCost(tr.X, loop.Y, m, trainProbabilities);
  const trainAccuracy = accuracy(trainProbabilities, tr.Y, m, o.threshold);
  let validationAccuracy = loop.validationAccuracy;
  if (va && loop.valProbabilities) {
    net.predictInto(va.X, va.m, loop.valProbabilities);
    validationAccuracy = accuracy(loop.valProbabilities, va.Y, va.m, o.threshold);
  }
  let testAccuracy: number | undefined;
  const mtest = data.mtest ?? data.Ytest?.length ?? 0;
  if (data.Xtest && data.Ytest && mtest > 0) {
    const testProbabilities = new Float32Array(mtest);
    net.predictInto(data.Xtest, mtest, testProbabilities);
    testAccuracy = accuracy(testProbabilities, data.Ytest, mtest, o.threshold);
  }
  // J of the returned parameters on the training set (the cost at iteration `done`).
  const finalCost = trainCost + net.l2Cost(o.l2, m);
  // (Diverged and early-stopped runs return earlier parameters, whose cost is already in `costs`.)
  const { done, stopped, costs, costHistory } = loop;
  const returnsLatest = stopped === 'completed' || stopped === 'cancelled';
  if (returnsLatest && costs.at(-1)?.iteration !== done) costs.push({ iteration: done, cost: finalCost });
  if (returnsLatest && costHistory.at(-1)?.iteration !== done) costHistory.push({ iteration: done, cost: finalCost });
  loop.lastCost = finalCost;
  loop.trainAccuracy = trainAccuracy;
  loop.validationAccuracy = validationAccuracy;
  loop.progress(Math.min(loop.epoch, o.iterations - 1));
  const seconds = (performance.now() - loop.started) / 1000;

  const model: Model = {
    config,
    params: net.copyParameters(),
    classNames: o.classNames,
    resize: o.resize,
    threshold: o.threshold,
    summary: {
      trainImages: m,
      ...(va ? { validationImages: va.m, validationAccuracy } : {}),
      ...(testAccuracy !== undefined ? { testImages: mtest, testAccuracy } : {}),
      trainAccuracy,
      finalCost,
      iterations: done,
      hyperparameters: hyperparameters(o, config, loop.fullBatch ? 0 : loop.B, Boolean(initial), kernels),
      date: new Date().toISOString(),
    },
  };
  return {
    model,
    costs,
    costHistory,
    finalCost,
    trainAccuracy,
    ...(validationAccuracy !== undefined ? { validationAccuracy } : {}),
    ...(testAccuracy !== undefined ? { testAccuracy } : {}),
    iterations: done,
    seconds,
    stopped,
    ...(loop.message ? { message: loop.message } : {}),
    backend: kernels.info,
  };
}

/** The settings recorded in the model's training summary (shown by the app and `catnet inspect`). */
function hyperparameters(
  o: ResolvedOptions,
  config: NetworkConfig,
  batchSize: number,
  continued: boolean,
  kernels: Kernels,
): Record<string, string | number | boolean> {
  return {
    layers: config.layerDims.join(','),
    layersText: formatLayers(config),
    activation: o.activation,
    init: continued ? 'continued from given parameters' : o.init,
    learningRate: o.learningRate,
    [batchSize === 0 ? 'iterations' : 'epochs']: o.iterations,
    batchSize,
    optimizer: o.optimizer,
    l2: o.l2,
    validationFraction: o.validationFraction,
    decayRate: o.decayRate,
    seed: o.seed,
    augment: formatAugmentation(o.augment),
    backend: `${kernels.info.backend}/${kernels.info.isa}`,
  };
}
