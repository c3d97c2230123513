// trainErrorAdvice: the next step for a refused "continue from the current model" start.
import { describe, expect, it } from 'vitest';
import { trainErrorAdvice } from '../../src-renderer/state/train-advice.js';

describe('trainErrorAdvice', () => {
  it('says how to get past a refused continue, whatever network the message names', () => {
    const mismatch =
      'Cannot continue from the current model: the model to continue from is [12288, 7, 1] relu but the requested network is [12288, 20, 7, 5, 1] relu; to continue from it, set the hidden layers to 7 and the activation to relu, or train from scratch';
    expect(trainErrorAdvice(mismatch)).toMatch(/Untick "Continue from the current model"/);
    expect(
      trainErrorAdvice('There is no current model to continue from: train one or open an .onnx file first'),
    ).toMatch(/Untick/);
    expect(trainErrorAdvice('cost became NaN at iteration 3')).toMatch(/learning rate/);
  });
});
