import { MetricInputError } from './errors.js';
import { checkClassIds, checkPairedInputs } from './metric-inputs.js';

/** Fraction of predictions equal to their label (scikit-learn `accuracy_score`). */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPairedInputs('accuracy', predictions, labels);
  checkClassIds('accuracy', predictions, labels);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predictions[i] === labels[i]) correct++;
  }
  return correct / labels.length;
}

/**
 * F1 score of the positive class 1 for binary labels 0/1 (scikit-learn `f1_score`, `average='binary'`).
 * A precision or recall whose denominator is 0 counts as 0, and so does F1 when both are 0
 * (scikit-learn's `zero_division` default, without its warning).
 */
export function f1(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPairedInputs('f1', predictions, labels);
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = predictions[i];
    const actual = labels[i];
    if ((predicted !== 0 && predicted !== 1) || (actual !== 0 && actual !== 1)) {
      throw new MetricInputError(`f1: expected binary labels 0 or 1, got prediction ${predicted} and label ${actual} at index ${i}`);
    }
    if (predicted === 1 && actual === 1) truePositives++;
    else if (predicted === 1) falsePositives++;
    else if (actual === 1) falseNegatives++;
  }
  const precision = truePositives + falsePositives === 0 ? 0 : truePositives / (truePositives + falsePositives);
  const recall = truePositives + falseNegatives === 0 ? 0 : truePositives / (truePositives + falseNegatives);
  // The same expression as scikit-learn's, so results agree to the last bit rather than to rounding.
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/**
 * Matthews correlation coefficient for any number of classes (scikit-learn `matthews_corrcoef`, which uses
 * Gorodkin's multiclass R_K statistic). It is 0 when the predictions or the labels are constant, where the
 * coefficient is undefined.
 */
export function matthewsCorrelation(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPairedInputs('matthewsCorrelation', predictions, labels);
  checkClassIds('matthewsCorrelation', predictions, labels);
  const trueCounts = new Map<number, number>();
  const predictedCounts = new Map<number, number>();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    trueCounts.set(labels[i], (trueCounts.get(labels[i]) ?? 0) + 1);
    predictedCounts.set(predictions[i], (predictedCounts.get(predictions[i]) ?? 0) + 1);
    if (predictions[i] === labels[i]) correct++;
  }
  const samples = labels.length;
  let truePredictedProduct = 0;
  for (const [label, count] of trueCounts) truePredictedProduct += count * (predictedCounts.get(label) ?? 0);
  let predictedSquares = 0;
  for (const count of predictedCounts.values()) predictedSquares += count * count;
  let trueSquares = 0;
  for (const count of trueCounts.values()) trueSquares += count * count;

  const covarianceTruePredicted = correct * samples - truePredictedProduct;
  const covariancePredicted = samples * samples - predictedSquares;
  const covarianceTrue = samples * samples - trueSquares;
  if (covariancePredicted * covarianceTrue === 0) return 0;
  return covarianceTruePredicted / Math.sqrt(covarianceTrue * covariancePredicted);
}
