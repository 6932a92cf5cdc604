import { MetricInputError } from './errors.js';

/** Checks that predictions and labels pair up one to one and hold at least `minimum` finite numbers. */
export function checkPairedInputs(metric: string, predictions: ArrayLike<number>, labels: ArrayLike<number>, minimum = 1): void {
  if (predictions.length !== labels.length) {
    throw new MetricInputError(`${metric}: expected as many predictions as labels, got ${predictions.length} predictions and ${labels.length} labels`);
  }
  if (predictions.length < minimum) {
    throw new MetricInputError(`${metric}: expected at least ${minimum} prediction/label pairs, got ${predictions.length}`);
  }
  for (let i = 0; i < predictions.length; i++) {
    if (!Number.isFinite(predictions[i]) || !Number.isFinite(labels[i])) {
      throw new MetricInputError(`${metric}: expected finite numbers, got prediction ${predictions[i]} and label ${labels[i]} at index ${i}`);
    }
  }
}

/** Checks that every prediction and label is an integer class id (what a classifier's argmax gives). */
export function checkClassIds(metric: string, predictions: ArrayLike<number>, labels: ArrayLike<number>): void {
  for (let i = 0; i < predictions.length; i++) {
    if (!Number.isInteger(predictions[i]) || !Number.isInteger(labels[i])) {
      throw new MetricInputError(`${metric}: expected integer class ids, got prediction ${predictions[i]} and label ${labels[i]} at index ${i}`);
    }
  }
}
