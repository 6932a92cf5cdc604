import { describe, expect, it } from 'vitest';
import { comparisonTable } from './comparison-table.js';
import { retention } from './retention.js';
import type { ModelSummary } from './run-report.js';

/** A model summary with only what retention reads: per task its score and its majority baseline. */
function summary(kind: 'fff' | 'ff', scores: Record<string, [score: number, baseline: number]>): ModelSummary {
  const tasks = Object.fromEntries(
    Object.entries(scores).map(([task, [score, baseline]]) => [
      task,
      {
        evaluation: { task, metrics: { accuracy: score }, score },
        baseline: { task, metrics: { accuracy: baseline }, score: baseline },
        classifierDir: '',
        seconds: 0,
      },
    ]),
  );
  return { name: kind, kind, steps: 1, validationLoss: null, unigramBaseline: 1, tasks } as unknown as ModelSummary;
}

describe('FFF retention', () => {
  it('is FFF / FF where the FF model learned the task, the average over those tasks', () => {
    const kept = retention([summary('fff', { spam: [0.9, 0.6], sentiment: [0.7, 0.5] }), summary('ff', { spam: [0.95, 0.6], sentiment: [0.5, 0.5] })]);
    expect(kept).toEqual({
      tasks: { spam: 0.9 / 0.95, sentiment: null },
      average: 0.9 / 0.95,
      notes: { sentiment: 'the FF model is at or below its majority baseline on sentiment' },
    });
  });

  it('says what is true, not "103%", when both models sit at the majority baseline', () => {
    const models = [summary('fff', { sentiment: [0.515, 0.515] }), summary('ff', { sentiment: [0.5, 0.515] })];
    expect(retention(models)).toEqual({
      tasks: { sentiment: null },
      average: null,
      notes: { sentiment: 'the FF model is at or below its majority baseline on sentiment', average: 'the FF model is above its majority baseline on no task' },
    });
    const table = comparisonTable(models);
    expect(table).not.toMatch(/103/);
    expect(table).toContain(
      '| FFF retention (FFF / FF) |  |  |  | n/a (the FF model is at or below its majority baseline on sentiment) | n/a (the FF model is above its majority baseline on no task) |',
    );
  });
});
