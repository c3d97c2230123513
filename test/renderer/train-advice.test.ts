// trainErrorAdvice: the next step for each training error code (never decided on message text).
import { describe, expect, it } from 'vitest';
import { TRAIN_ERROR_CODES } from '../../src-core/train/errors.js';
import { trainErrorAdvice } from '../../src-renderer/state/train-advice.js';

describe('trainErrorAdvice', () => {
  it('gives advice for every training error code, decided on the code', () => {
    for (const code of TRAIN_ERROR_CODES) expect(trainErrorAdvice(code).length, code).toBeGreaterThan(20);
    expect(trainErrorAdvice('diverged')).toMatch(/learning rate/);
    expect(trainErrorAdvice('no-data')).toMatch(/Add more images/);
    expect(trainErrorAdvice('bad-initial-model')).toMatch(/Continue from the current model/);
    expect(trainErrorAdvice('too-little-memory')).toMatch(/mini-batch/);
  });
});
