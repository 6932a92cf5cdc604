import { accuracy, f1, matthewsCorrelation } from './classification-metrics.js';
import { pearson, spearman } from './correlation-metrics.js';

/** A metric scores predictions against labels; higher is better. */
export type MetricFunction = (predictions: ArrayLike<number>, labels: ArrayLike<number>) => number;

export type MetricName = 'accuracy' | 'f1' | 'matthewsCorrelation' | 'pearson' | 'spearman';

/** Every metric by name, for task definitions that name their metrics. */
export const METRICS: Readonly<Record<MetricName, MetricFunction>> = {
  accuracy,
  f1,
  matthewsCorrelation,
  pearson,
  spearman,
};
