import type { MetricName } from '@ufbert/glue';

/**
 * What each number in the results table means, in words. Written without digits: every digit
 * on the report page is a measured figure with its source.
 */
export const METRIC_DEFINITIONS: Readonly<Record<MetricName, string>> = {
  accuracy: 'share of the dev examples whose predicted class equals the gold class',
  f1: 'harmonic mean of precision and recall of the positive class (spam, positive); unlike accuracy, a model that always answers the majority class scores zero',
  matthewsCorrelation: 'Matthews correlation between predicted and gold classes: zero for chance or a constant answer, one for perfect predictions',
  pearson: 'Pearson correlation between predicted and gold scores',
  spearman: 'Spearman rank correlation between predicted and gold scores',
};

export const SUMMARY_DEFINITIONS: ReadonlyArray<readonly [term: string, definition: string]> = [
  ['val MLM loss', 'mean cross-entropy in nats of the masked tokens of the held-out validation sequences, after pretraining (lower is better)'],
  [
    'unigram baseline',
    'the same loss for a model that predicts every masked token from the training tokens’ frequencies alone: a model must beat it to have learnt anything from context',
  ],
  ['task score', 'the mean of the task’s metrics below, as the GLUE leaderboard scores a task, in percent'],
  ['majority', 'the score of always answering the class most frequent in the task’s training split'],
  ['avg', 'the mean of the model’s task scores'],
  ['retention', 'the FFF model’s score divided by the FF model’s score on the same task, in percent, as the UltraFastBERT paper reports it'],
];
