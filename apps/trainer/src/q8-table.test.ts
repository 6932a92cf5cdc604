import { describe, expect, it } from 'vitest';
import { q8Table } from './q8-table.js';
import type { ModelSummary, Q8Accuracy } from './run-report.js';

const summary = (name: string, kind: 'fff' | 'ff', q8: Partial<Q8Accuracy>): ModelSummary =>
  ({
    name,
    kind,
    tasks: { spam: {}, sentiment: {} },
    q8: {
      dtype: 'q8',
      baseline: 'fp32',
      maskedPositions: 0,
      top1Agreement: null,
      tokens: 0,
      hiddenCosineMin: null,
      hiddenCosineMean: null,
      leafDifferShare: null,
      tokensWithLeafDifferingShare: null,
      tasks: {},
      ...q8,
    },
  }) as unknown as ModelSummary;

describe('q8Table', () => {
  it('puts each model in q8 beside fp32: agreement, cosine, FFF leaves and every task, n/a where there is nothing to compare', () => {
    const table = q8Table([
      summary('UltraFastBERT-tiny-1x7', 'fff', {
        maskedPositions: 1200,
        top1Agreement: 0.99,
        tokens: 8000,
        hiddenCosineMin: 0.99812,
        hiddenCosineMean: 0.999871,
        leafDifferShare: 0.0123,
        tokensWithLeafDifferingShare: 0.05,
        tasks: {
          spam: { examples: 100, fp32Accuracy: 0.91, q8Accuracy: 0.905, differencePoints: -0.5 },
          sentiment: { examples: 60, fp32Accuracy: 0.7, q8Accuracy: 0.7, differencePoints: 0 },
        },
      }),
      summary('crammedBERT-tiny-FF255', 'ff', { tasks: { spam: { examples: 100, fp32Accuracy: 0.9, q8Accuracy: 0.91, differencePoints: 1 } } }),
    ]);
    expect(table.split('\n')).toEqual([
      '| model (q8 vs fp32, onnxruntime) | masked top-1 agreement | hidden cosine min | hidden cosine mean | FFF leaves differing (tokens with any) | spam accuracy fp32 -> q8 | sentiment accuracy fp32 -> q8 |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| UltraFastBERT-tiny-1x7 | 99.0% of 1200 | 0.99812 | 0.99987 | 1.2% (5.0%) | 91.0 -> 90.5 (-0.5 points) | 70.0 -> 70.0 (+0.0 points) |',
      '| crammedBERT-tiny-FF255 | n/a | n/a | n/a | n/a (dense) | 90.0 -> 91.0 (+1.0 points) | n/a |',
    ]);
  });
});
