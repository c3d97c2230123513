// The training loop: (mini-batch) gradient descent on the L-layer network, with progress reports at a
// bounded rate, cancellation within one iteration, validation / early stopping, and divergence
// detection that returns the last parameters whose cost was finite. Deterministic for seed + backend:
// nothing that depends on the clock (progress, yields) changes the arithmetic.

import { getKernels } from '../kernels/select.js';
import { networkConfig } from '../nn/config.js';
import { initializeParameters } from '../nn/init.js';
import { type Model, N_X } from '../nn/model.js';
import { Network } from '../nn/network.js';
import { Random } from '../nn/random.js';
import { gatherRows, gatherTrainingData } from './gather.js';
import { checkInitialModel } from './initial-model.js';
import { accuracy } from './metrics.js';
import { createOptimizer } from './optimizers.js';
import type {
  CostPoint,
  StopReason,
  TrainHooks,
  TrainingData,
  TrainingInput,
  TrainOptions,
  TrainResult,
} from './options.js';
import { resolveOptions } from './options.js';
import { splitValidation } from './split.js';

/** The cost is recorded every this many iterations, as the course prints it. */
export const COST_EVERY = 100;
/** The learning curve (TrainResult.costHistory) keeps about this many points. */
export const COST_HISTORY_POINTS = 500;
/** A cost this many times the first one (or 1, if larger) means the steps are overshooting: diverged. */
const DIVERGENCE_FACTOR = 100;
/** Give the event loop a turn (messages, AbortSignal) at most this often. */
const YIELD_MS = 50;
/** Mini-batch shuffles draw from their own stream, so they do not shift the initial weights. */
const SHUFFLE_SEED_OFFSET = 0x9e3779b9;
/** The course's learning rate, suggested when a larger one diverges. */
const COURSE_LEARNING_RATE = 0.0075;

function checkData(data: TrainingData, n_x: number): void {
  const { X, Y, m } = data;
  if (!Number.isInteger(m) || m < 1) throw new Error(`training data: no images to train on (m = ${m})`);
  if (X.length < m * n_x) throw new Error(`training data: ${m} images need ${m * n_x} pixel bytes, got ${X.length}`);
  if (Y.length < m) throw new Error(`training data: ${m} images but ${Y.length} labels`);
  for (let i = 0; i < m; i++) if (Y[i] > 1) throw new Error(`training data: label ${Y[i]} of image ${i} is not 0 or 1`);
  if (data.Xtest && data.Ytest) {
    const mt = data.mtest ?? data.Ytest.length;
    if (data.Xtest.length < mt * n_x || data.Ytest.length < mt)
      throw new Error(`test data: ${mt} images need ${mt * n_x} pixel bytes and ${mt} labels`);
  }
}

function hasNonFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return true;
  return false;
}

export async function train(input: TrainingInput, options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const o = resolveOptions(options);
  // Pixels given as runs over several buffers are copied here: in the worker, not the main thread.
  const data = gatherTrainingData(input);
  const kernels = hooks.kernels ?? getKernels();
  const n_x = data.n_x ?? N_X;
  checkData(data, n_x);
  const config = networkConfig(o.hiddenLayers, o.activation, n_x);
  const initial = options.initialModel;
  if (initial) checkInitialModel(initial, config);
  const { train: tr, validation: va } = splitValidation(
    { X: data.X, Y: data.Y, m: data.m },
    n_x,
    o.validationFraction,
    o.seed,
  );
  const m = tr.m;
  const fullBatch = o.batchSize === 0 || o.batchSize >= m;
  const B = fullBatch ? m : o.batchSize;
  const net = new Network(config, B, kernels);
  if (initial) net.setParameters(initial.params);
  else initializeParameters(net.params, config.layerDims, o.init, o.seed);
  const optimizer = createOptimizer(o.optimizer, net.paramSlab.length, kernels, o);

  const Y = Float32Array.from(tr.Y.subarray(0, m)); // (1, m)
  const batchX = fullBatch ? tr.X : new Uint8Array(B * n_x); // (B, n_x) bytes
  const batchY = fullBatch ? Y : new Float32Array(B);
  const order = Uint32Array.from({ length: m }, (_, i) => i);
  const shuffler = new Random((o.seed + SHUFFLE_SEED_OFFSET) % 2 ** 32);
  const Yval = va ? Float32Array.from(va.Y) : null;
  const valProbabilities = va ? new Float32Array(va.m) : null;

  const stepsPerEpoch = fullBatch ? 1 : Math.ceil(m / B);
  const total = o.iterations * stepsPerEpoch;
  const lastGood = net.paramSlab.slice(); // parameters whose cost was last seen finite
  const best = va && o.patience > 0 ? net.paramSlab.slice() : null;
  let bestValidationCost = Number.POSITIVE_INFINITY;
  let checksWithoutImprovement = 0;
  const costs: CostPoint[] = [];
  const costHistory: CostPoint[] = [];
  const historyEvery = Math.max(1, Math.ceil(total / COST_HISTORY_POINTS));
  let stopped: StopReason = 'completed';
  let message: string | undefined;
  let done = 0;
  let firstCost = Number.NaN;
  let lastCost = Number.NaN;
  let trainAccuracy = 0;
  let validationAccuracy: number | undefined;
  let epochCorrect = 0;
  let epochSeen = 0;
  const started = performance.now();
  let lastProgress = Number.NEGATIVE_INFINITY;
  let lastYield = started;
  const cancelled = () =>
    hooks.signal?.aborted === true || (hooks.cancelFlag ? Atomics.load(hooks.cancelFlag, 0) !== 0 : false);

  const report = (epoch: number) => {
    const elapsedSeconds = (performance.now() - started) / 1000;
    const iterationsPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    hooks.onProgress?.({
      iteration: done,
      iterations: total,
      epoch,
      cost: lastCost,
      trainAccuracy,
      ...(validationAccuracy !== undefined ? { validationAccuracy } : {}),
      iterationsPerSecond,
      elapsedSeconds,
      etaSeconds: iterationsPerSecond > 0 ? (total - done) / iterationsPerSecond : 0,
    });
  };

  let epoch = 0;
  training: for (; epoch < o.iterations; epoch++) {
    const alpha = o.learningRate / (1 + o.decayRate * epoch);
    if (!fullBatch) {
      shuffler.shuffle(order);
      epochCorrect = 0;
      epochSeen = 0;
    }
    for (let s = 0; s < stepsPerEpoch; s++) {
      const t = epoch * stepsPerEpoch + s;
      if (cancelled()) {
        stopped = 'cancelled';
        message = `training cancelled after ${done} of ${total} iterations`;
        break training;
      }
      let mb = m;
      if (!fullBatch) {
        mb = Math.min(B, m - s * B);
        gatherRows(tr.X, n_x, order, s * B, mb, batchX);
        for (let i = 0; i < mb; i++) batchY[i] = Y[order[s * B + i]];
      }

      const cost = net.forwardCost(batchX, batchY, mb, o.l2);
      if (t === 0) firstCost = cost;
      if (!Number.isFinite(cost) || cost > DIVERGENCE_FACTOR * Math.max(firstCost, 1)) {
        stopped = 'diverged';
        const suggestion = o.learningRate > COURSE_LEARNING_RATE ? COURSE_LEARNING_RATE : o.learningRate / 10;
        message =
          `cost became ${Number.isNaN(cost) ? 'NaN' : cost.toPrecision(3)} at iteration ${t}: ` +
          `the learning rate ${o.learningRate} is too large; try ${suggestion}` +
          ' (the parameters from before it diverged are kept)';
        net.paramSlab.set(lastGood);
        break training;
      }
      lastCost = cost;
      if (t % historyEvery === 0) costHistory.push({ iteration: t, cost });
      const now = performance.now();
      const progressDue = hooks.onProgress !== undefined && now - lastProgress >= o.progressIntervalMs;
      if (t % COST_EVERY === 0 || progressDue) {
        lastGood.set(net.paramSlab);
        costs.push({ iteration: t, cost });
      }
      if (fullBatch) {
        if (progressDue) trainAccuracy = accuracy(net.probabilities(), batchY, mb, o.threshold);
      } else {
        epochCorrect += accuracy(net.probabilities(), batchY, mb, o.threshold) * mb;
        epochSeen += mb;
        trainAccuracy = epochCorrect / epochSeen;
      }

      net.backward(batchX, mb, o.l2);
      optimizer.step(net.paramSlab, net.gradSlab, alpha);
      done = t + 1;

      const validationDue = fullBatch ? done % o.validationEvery === 0 || done === total : s === stepsPerEpoch - 1;
      if (va && Yval && valProbabilities && validationDue) {
        const validationCost = net.datasetCost(va.X, Yval, va.m, valProbabilities);
        validationAccuracy = accuracy(valProbabilities, va.Y, va.m, o.threshold);
        if (best) {
          if (validationCost < bestValidationCost) {
            bestValidationCost = validationCost;
            checksWithoutImprovement = 0;
            best.set(net.paramSlab);
          } else if (++checksWithoutImprovement >= o.patience) {
            stopped = 'early-stopped';
            message = `stopped early at iteration ${done}: the validation cost has not improved for ${o.patience} checks; kept the best parameters (validation cost ${bestValidationCost.toFixed(4)})`;
            net.paramSlab.set(best);
            break training;
          }
        }
      }
      if (progressDue) {
        lastProgress = now;
        report(epoch);
      }
      if (performance.now() - lastYield >= YIELD_MS) {
        await new Promise(setImmediate);
        lastYield = performance.now();
      }
    }
  }
  if (stopped === 'cancelled' && hasNonFinite(net.paramSlab)) net.paramSlab.set(lastGood);

  // Final figures with the parameters being returned.
  const trainProbabilities = new Float32Array(m);
  const trainCost = net.datasetCost(tr.X, Y, m, trainProbabilities);
  trainAccuracy = accuracy(trainProbabilities, tr.Y, m, o.threshold);
  if (va && Yval && valProbabilities) {
    net.predictInto(va.X, va.m, valProbabilities);
    validationAccuracy = accuracy(valProbabilities, va.Y, va.m, o.threshold);
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
  const returnsLatest = stopped === 'completed' || stopped === 'cancelled';
  if (returnsLatest && costs.at(-1)?.iteration !== done) costs.push({ iteration: done, cost: finalCost });
  if (returnsLatest && costHistory.at(-1)?.iteration !== done) costHistory.push({ iteration: done, cost: finalCost });
  lastCost = finalCost;
  report(Math.min(epoch, o.iterations - 1));
  const seconds = (performance.now() - started) / 1000;

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
      hyperparameters: {
        layers: config.layerDims.join(','),
        activation: o.activation,
        init: initial ? 'continued from given parameters' : o.init,
        learningRate: o.learningRate,
        [fullBatch ? 'iterations' : 'epochs']: o.iterations,
        batchSize: fullBatch ? 0 : B,
        optimizer: o.optimizer,
        l2: o.l2,
        validationFraction: o.validationFraction,
        decayRate: o.decayRate,
        seed: o.seed,
        backend: `${kernels.info.backend}/${kernels.info.isa}`,
      },
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
    ...(message ? { message } : {}),
    backend: kernels.info,
  };
}
