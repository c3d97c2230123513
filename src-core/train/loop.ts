// The training loop as a small object whose steps read like the course's:
//   for each epoch, for each mini-batch: forward (gather, augment, forward + cost), check (divergence),
//   record (cost curve, last good parameters, accuracy), update (backward + optimiser step),
//   validate (validation split, early stopping), report (progress, a turn for the event loop).
// Deterministic for seed + backend: nothing that depends on the clock (progress, yields) changes the
// arithmetic. Stops by returning from an epoch with `stopped` and `message` set.

import type { Network } from '../nn/network.js';
import { Random } from '../nn/random.js';
import { Augmenter, isAugmenting } from './augment.js';
import { gatherRows } from './gather.js';
import { accuracy } from './metrics.js';
import type { Optimizer } from './optimizers.js';
import type { ResolvedOptions } from './resolve.js';
import type { CostPoint, StopReason, TrainHooks } from './result.js';
import type { Examples } from './split.js';

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
/** So do augmentation draws: turning augmentation on changes neither the weights nor the batches. */
const AUGMENT_SEED_OFFSET = 0x85ebca6b;
/** The course's learning rate, suggested when a larger one diverges. */
const COURSE_LEARNING_RATE = 0.0075;

export interface LoopParts {
  net: Network;
  optimizer: Optimizer;
  options: ResolvedOptions;
  /** The examples trained on (validation already split off) and the held-out ones. */
  train: Examples;
  validation: Examples | null;
  n_x: number;
  hooks: TrainHooks;
}

export class TrainingLoop {
  // What a run keeps for the caller.
  readonly costs: CostPoint[] = [];
  readonly costHistory: CostPoint[] = [];
  stopped: StopReason = 'completed';
  message: string | undefined;
  /** Parameter updates done, of `total`. */
  done = 0;
  readonly total: number;
  epoch = 0;
  lastCost = Number.NaN;
  trainAccuracy = 0;
  validationAccuracy: number | undefined;
  readonly started = performance.now();

  private readonly net: Network;
  private readonly optimizer: Optimizer;
  private readonly o: ResolvedOptions;
  private readonly tr: Examples;
  private readonly va: Examples | null;
  private readonly n_x: number;
  private readonly hooks: TrainHooks;

  readonly fullBatch: boolean;
  /** Examples per step (m in full batch). */
  readonly B: number;
  private readonly stepsPerEpoch: number;
  private readonly historyEvery: number;
  /** Training labels as floats: Y (1, m). */
  readonly Y: Float32Array;
  /** The current batch: (B, n_x) bytes (the training set itself in full batch without augmentation). */
  private readonly batchX: Uint8Array;
  private readonly batchY: Float32Array;
  /** Examples in the current batch. */
  private mb = 0;
  private readonly order: Uint32Array;
  private readonly shuffler: Random;
  private readonly augmenter: Augmenter | null;
  readonly Yval: Float32Array | null;
  readonly valProbabilities: Float32Array | null;

  /** Parameters whose cost was last seen finite, and (early stopping) those of the best validation cost. */
  private readonly lastGood: Float32Array;
  private readonly best: Float32Array | null;
  private bestValidationCost = Number.POSITIVE_INFINITY;
  private checksWithoutImprovement = 0;
  private firstCost = Number.NaN;
  private epochCorrect = 0;
  private epochSeen = 0;
  private progressDue = false;
  private now = 0;
  private lastProgress = Number.NEGATIVE_INFINITY;
  private lastYield = this.started;

  constructor(p: LoopParts) {
    ({ net: this.net, optimizer: this.optimizer, options: this.o, hooks: this.hooks, n_x: this.n_x } = p);
    this.tr = p.train;
    this.va = p.validation;
    const { o, n_x } = this;
    const m = this.tr.m;
    this.fullBatch = o.batchSize === 0 || o.batchSize >= m;
    this.B = this.fullBatch ? m : o.batchSize;
    this.stepsPerEpoch = this.fullBatch ? 1 : Math.ceil(m / this.B);
    this.total = o.iterations * this.stepsPerEpoch;
    this.historyEvery = Math.max(1, Math.ceil(this.total / COST_HISTORY_POINTS));

    this.Y = Float32Array.from(this.tr.Y.subarray(0, m));
    this.augmenter = isAugmenting(o.augment)
      ? new Augmenter(o.augment, n_x, (o.seed + AUGMENT_SEED_OFFSET) % 2 ** 32)
      : null;
    this.batchX = this.fullBatch && !this.augmenter ? this.tr.X : new Uint8Array(this.B * n_x);
    this.batchY = this.fullBatch ? this.Y : new Float32Array(this.B);
    this.order = Uint32Array.from({ length: m }, (_, i) => i);
    this.shuffler = new Random((o.seed + SHUFFLE_SEED_OFFSET) % 2 ** 32);
    this.Yval = this.va ? Float32Array.from(this.va.Y) : null;
    this.valProbabilities = this.va ? new Float32Array(this.va.m) : null;
    this.lastGood = this.net.paramSlab.slice();
    this.best = this.va && o.patience > 0 ? this.net.paramSlab.slice() : null;
  }

  /** All epochs, or until cancelled, diverged or stopped early. */
  async run(): Promise<void> {
    for (; this.epoch < this.o.iterations; this.epoch++) if (!(await this.runEpoch())) break;
    // A cancel can land between an update and its check: never return non-finite parameters.
    if (this.stopped === 'cancelled' && this.net.paramSlab.some((x) => !Number.isFinite(x)))
      this.net.paramSlab.set(this.lastGood);
  }

  /** One pass over the training set (one iteration in full batch); false when training stops. */
  private async runEpoch(): Promise<boolean> {
    const alpha = this.o.learningRate / (1 + this.o.decayRate * this.epoch);
    this.startEpoch();
    for (let s = 0; s < this.stepsPerEpoch; s++) {
      const t = this.epoch * this.stepsPerEpoch + s;
      if (this.cancelled())
        return this.stop('cancelled', `training cancelled after ${this.done} of ${this.total} iterations`);
      const cost = this.forward(s);
      if (!this.check(t, cost)) return false;
      this.record(t, cost);
      this.update(alpha);
      this.done = t + 1;
      if (!this.validate(s)) return false;
      await this.report();
    }
    return true;
  }

  private startEpoch(): void {
    if (this.fullBatch) return;
    this.shuffler.shuffle(this.order);
    this.epochCorrect = 0;
    this.epochSeen = 0;
  }

  private cancelled(): boolean {
    const { signal, cancelFlag } = this.hooks;
    return signal?.aborted === true || (cancelFlag ? Atomics.load(cancelFlag, 0) !== 0 : false);
  }

  private stop(reason: StopReason, message: string): false {
    this.stopped = reason;
    this.message = message;
    return false;
  }

  /** Step s's batch (gathered, augmented) through the network: returns J, caches filled for backward. */
  private forward(s: number): number {
    const { B, n_x } = this;
    const m = this.tr.m;
    this.mb = m;
    if (!this.fullBatch) {
      this.mb = Math.min(B, m - s * B);
      gatherRows(this.tr.X, n_x, this.order, s * B, this.mb, this.batchX);
      for (let i = 0; i < this.mb; i++) this.batchY[i] = this.Y[this.order[s * B + i]];
    } else if (this.augmenter) this.batchX.set(this.tr.X.subarray(0, m * n_x));
    this.augmenter?.apply(this.batchX, this.mb);
    return this.net.forwardCost(this.batchX, this.batchY, this.mb, this.o.l2);
  }

  /** Divergence: a non-finite cost, or one far above the first, stops with the last good parameters. */
  private check(t: number, cost: number): boolean {
    if (t === 0) this.firstCost = cost;
    if (Number.isFinite(cost) && cost <= DIVERGENCE_FACTOR * Math.max(this.firstCost, 1)) return true;
    const alpha = this.o.learningRate;
    const suggestion = alpha > COURSE_LEARNING_RATE ? COURSE_LEARNING_RATE : alpha / 10;
    this.net.paramSlab.set(this.lastGood);
    return this.stop(
      'diverged',
      `cost became ${Number.isNaN(cost) ? 'NaN' : cost.toPrecision(3)} at iteration ${t}: ` +
        `the learning rate ${alpha} is too large; try ${suggestion}` +
        ' (the parameters from before it diverged are kept)',
    );
  }

  /** The cost curves, the last good parameters (when a point is recorded) and the training accuracy. */
  private record(t: number, cost: number): void {
    this.lastCost = cost;
    if (t % this.historyEvery === 0) this.costHistory.push({ iteration: t, cost });
    this.now = performance.now();
    this.progressDue = this.hooks.onProgress !== undefined && this.now - this.lastProgress >= this.o.progressIntervalMs;
    if (t % COST_EVERY === 0 || this.progressDue) {
      this.lastGood.set(this.net.paramSlab);
      this.costs.push({ iteration: t, cost });
    }
    const { mb } = this;
    if (this.fullBatch) {
      if (this.progressDue) this.trainAccuracy = accuracy(this.net.probabilities(), this.batchY, mb, this.o.threshold);
    } else {
      this.epochCorrect += accuracy(this.net.probabilities(), this.batchY, mb, this.o.threshold) * mb;
      this.epochSeen += mb;
      this.trainAccuracy = this.epochCorrect / this.epochSeen;
    }
  }

  /** Backward propagation on the batch, then one optimiser step with learning rate alpha. */
  private update(alpha: number): void {
    this.net.backward(this.batchX, this.mb, this.o.l2);
    this.optimizer.step(this.net.paramSlab, this.net.gradSlab, alpha);
  }

  /**
   * When due (every validationEvery iterations in full batch, at each epoch's end in mini-batch): the
   * validation accuracy, and early stopping with the best parameters. False when training stops.
   */
  private validate(s: number): boolean {
    const { va, Yval, valProbabilities, o } = this;
    const due = this.fullBatch
      ? this.done % o.validationEvery === 0 || this.done === this.total
      : s === this.stepsPerEpoch - 1;
    if (!va || !Yval || !valProbabilities || !due) return true;
    const validationCost = this.net.datasetCost(va.X, Yval, va.m, valProbabilities);
    this.validationAccuracy = accuracy(valProbabilities, va.Y, va.m, o.threshold);
    if (!this.best) return true;
    if (validationCost < this.bestValidationCost) {
      this.bestValidationCost = validationCost;
      this.checksWithoutImprovement = 0;
      this.best.set(this.net.paramSlab);
      return true;
    }
    if (++this.checksWithoutImprovement < o.patience) return true;
    this.net.paramSlab.set(this.best);
    return this.stop(
      'early-stopped',
      `stopped early at iteration ${this.done}: the validation cost has not improved for ${o.patience} checks; kept the best parameters (validation cost ${this.bestValidationCost.toFixed(4)})`,
    );
  }

  /** Progress when due, and a turn for the event loop (messages, AbortSignal) every YIELD_MS. */
  private async report(): Promise<void> {
    if (this.progressDue) {
      this.lastProgress = this.now;
      this.progress(this.epoch);
    }
    if (performance.now() - this.lastYield >= YIELD_MS) {
      await new Promise(setImmediate);
      this.lastYield = performance.now();
    }
  }

  /** Sends a TrainProgress for `epoch` with the figures so far. */
  progress(epoch: number): void {
    const elapsedSeconds = (performance.now() - this.started) / 1000;
    const iterationsPerSecond = elapsedSeconds > 0 ? this.done / elapsedSeconds : 0;
    const { validationAccuracy } = this;
    this.hooks.onProgress?.({
      iteration: this.done,
      iterations: this.total,
      epoch,
      cost: this.lastCost,
      trainAccuracy: this.trainAccuracy,
      ...(validationAccuracy !== undefined ? { validationAccuracy } : {}),
      iterationsPerSecond,
      elapsedSeconds,
      etaSeconds: iterationsPerSecond > 0 ? (this.total - this.done) / iterationsPerSecond : 0,
    });
  }
}
