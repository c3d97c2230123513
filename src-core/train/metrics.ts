// Classification metrics at a threshold, positive = label 1 (classNames[0]). Field names are the app's.

export interface Confusion {
  /** true positives, false positives, true negatives, false negatives */
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface Metrics extends Confusion {
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  m: number;
}

/** Counts of (predicted, actual) with predicted = 1 when probability >= threshold. */
export function confusion(
  probabilities: ArrayLike<number>,
  Y: ArrayLike<number>,
  m: number,
  threshold = 0.5,
): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < m; i++) {
    const predicted = probabilities[i] >= threshold;
    const actual = Y[i] === 1;
    if (predicted && actual) c.tp++;
    else if (predicted) c.fp++;
    else if (actual) c.fn++;
    else c.tn++;
  }
  return c;
}

/** Fraction of examples whose label at the threshold equals Y (0 when m = 0). */
export function accuracy(probabilities: ArrayLike<number>, Y: ArrayLike<number>, m: number, threshold = 0.5): number {
  if (m === 0) return 0;
  const c = confusion(probabilities, Y, m, threshold);
  return (c.tp + c.tn) / m;
}

/** Accuracy, precision tp/(tp+fp), recall tp/(tp+fn), F1 (their harmonic mean); 0 where undefined. */
export function metrics(probabilities: ArrayLike<number>, Y: ArrayLike<number>, m: number, threshold = 0.5): Metrics {
  const c = confusion(probabilities, Y, m, threshold);
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { ...c, threshold, accuracy: m > 0 ? (c.tp + c.tn) / m : 0, precision, recall, f1, m };
}
