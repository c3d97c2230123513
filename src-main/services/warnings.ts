// The project's warnings, one sentence each: class imbalance (the data layer's thresholds), too few
// images, images present in both classes.

import { IMBALANCE_RATIO, MIN_PER_CLASS } from '../../src-core/data/dataset.js';
import type { Role } from '../contract.js';

/** A sentence when one class is much smaller than the other (or tiny), else null. */
export function balanceWarning(positive: number, negative: number, classNames: [string, string], where: string) {
  if (positive + negative === 0) return null;
  const named: [string, number][] = [
    [classNames[0], positive],
    [classNames[1], negative],
  ];
  named.sort((a, b) => a[1] - b[1]);
  const [[smallName, small], [bigName, big]] = named as [[string, number], [string, number]];
  if (small === 0) return `No '${smallName}' ${where} images yet: add a folder of them.`;
  if (big > IMBALANCE_RATIO * small)
    return (
      `Only ${small} '${smallName}' ${where} images for ${big} '${bigName}' images: the model may learn to ` +
      `answer '${bigName}' almost always. Add '${smallName}' images or remove some '${bigName}' ones.`
    );
  if (small < MIN_PER_CLASS)
    return `Only ${small} '${smallName}' ${where} images: add more (a few hundred per class works much better).`;
  return null;
}

export function projectWarnings(counts: Record<Role, number>, classNames: [string, string], inBothClasses: string[]) {
  const warnings: string[] = [];
  const train = balanceWarning(counts['train-positive'], counts['train-negative'], classNames, 'training');
  if (train) warnings.push(train);
  const test = balanceWarning(counts['test-positive'], counts['test-negative'], classNames, 'test');
  if (test) warnings.push(test);
  if (inBothClasses.length > 0)
    warnings.push(
      `${inBothClasses.length} image(s) are in both classes (identical pixels), e.g. ${inBothClasses[0]}: remove them from one class.`,
    );
  return warnings;
}
