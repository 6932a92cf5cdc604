import { checkPairedInputs } from './metric-inputs.js';

/**
 * Pearson correlation coefficient (SciPy `pearsonr`). NaN when either input is constant, as in SciPy,
 * because the coefficient is undefined there.
 */
export function pearson(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPairedInputs('pearson', predictions, labels, 2);
  return pearsonOfChecked(predictions, labels);
}

/**
 * Spearman rank correlation (SciPy `spearmanr`): Pearson correlation of the ranks, where tied values share
 * the average of the ranks they span. NaN when either input is constant.
 */
export function spearman(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPairedInputs('spearman', predictions, labels, 2);
  return pearsonOfChecked(averageRanks(predictions), averageRanks(labels));
}

/** 1-based ranks of `values`; tied values all get the mean of the ranks they occupy (SciPy `rankdata`, `method='average'`). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 hold equal values; their 1-based ranks start+1..end average to this.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

function pearsonOfChecked(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let xSum = 0;
  let ySum = 0;
  for (let i = 0; i < n; i++) {
    xSum += x[i];
    ySum += y[i];
  }
  const xMean = xSum / n;
  const yMean = ySum / n;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - xMean;
    const dy = y[i] - yMean;
    xx += dx * dx;
    yy += dy * dy;
    xy += dx * dy;
  }
  if (xx === 0 || yy === 0) return Number.NaN;
  const r = xy / Math.sqrt(xx * yy);
  // Rounding can push |r| a hair past 1; SciPy clips too.
  return Math.max(-1, Math.min(1, r));
}
