// How catnet's train and evaluate commands talk to the terminal: lines out (stdout) and err (stderr),
// and the training progress bar (cli-progress, on stderr, only when stderr is a TTY).

import cliProgress from 'cli-progress';
import type { TrainProgress } from '../train/options.js';

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The first line of an error's message, for people. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A progress bar that follows TrainProgress; does nothing when stderr is not a terminal. */
export function trainingProgressBar(enabled = Boolean(process.stderr.isTTY)): {
  update(p: TrainProgress): void;
  stop(): void;
} {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      format:
        'training |{bar}| {value}/{total} iterations | cost {cost} | train {train} | {speed} it/s | ETA {eta_s} s',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = {
        cost: Number.isFinite(p.cost) ? p.cost.toFixed(4) : String(p.cost),
        train: `${(100 * p.trainAccuracy).toFixed(1)}%`,
        speed: p.iterationsPerSecond.toFixed(1),
        eta_s: Math.round(p.etaSeconds),
      };
      if (!started) {
        bar.start(p.iterations, p.iteration, payload);
        started = true;
      } else bar.update(p.iteration, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
