// LatestOnly (the threshold slider's request coalescing) against a recorded sequence of runs.

import { describe, expect, it } from 'vitest';
import { LatestOnly } from '../../src-renderer/state/latest-only.js';

/** A task whose runs finish only when the test says so. */
function controlledTask() {
  const runs: number[] = [];
  const pending: (() => void)[] = [];
  const task = (value: number) =>
    new Promise<void>((resolve) => {
      runs.push(value);
      pending.push(resolve);
    });
  const finishOne = async () => {
    pending.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { runs, task, finishOne };
}

describe('LatestOnly', () => {
  it('runs the first value at once and collapses values pushed meanwhile into the last one', async () => {
    const { runs, task, finishOne } = controlledTask();
    const latest = new LatestOnly(task);
    const done = latest.push(1);
    latest.push(2);
    latest.push(3);
    latest.push(4);
    expect(runs).toEqual([1]);
    expect(latest.busy).toBe(true);
    await finishOne();
    expect(runs).toEqual([1, 4]);
    await finishOne();
    await done;
    expect(runs).toEqual([1, 4]);
    expect(latest.busy).toBe(false);
  });

  it('starts afresh after going idle, and keeps going after a failed run', async () => {
    const runs: number[] = [];
    const latest = new LatestOnly(async (v: number) => {
      runs.push(v);
      if (v === 1) throw new Error('back end unavailable');
    });
    await latest.push(1);
    await latest.push(2);
    expect(runs).toEqual([1, 2]);
  });
});
