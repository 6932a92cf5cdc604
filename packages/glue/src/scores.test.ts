import { describe, expect, it } from 'vitest';
import { INHERITED_NAMES, UfbertError } from '@ufbert/tensor';
import { GlueError } from './errors.js';
import {
  evaluateTask,
  getSplit,
  getTask,
  GLUE_TASKS,
  glueAverage,
  glueAverageTasks,
  METRICS,
  TASKS,
  taskScore,
  type EmbeddedTaskName,
  type GlueTaskName,
} from './index.js';
import { embeddedTaskSource, loadEmbeddedTask } from './node.js';

describe('task registry', () => {
  it('has the nine GLUE tasks with their label counts and sentence columns', () => {
    const summary = Object.fromEntries(Object.values(GLUE_TASKS).map((task) => [task.name, [task.numLabels, task.sentenceColumns.join(' + ')]]));
    expect(summary).toEqual({
      CoLA: [2, 'sentence'],
      'SST-2': [2, 'sentence'],
      MRPC: [2, '#1 String + #2 String'],
      'STS-B': [1, 'sentence1 + sentence2'],
      QQP: [2, 'question1 + question2'],
      MNLI: [3, 'sentence1 + sentence2'],
      QNLI: [2, 'question + sentence'],
      RTE: [2, 'sentence1 + sentence2'],
      WNLI: [2, 'sentence1 + sentence2'],
    });
  });

  it('uses the metrics GLUE reports for each task', () => {
    const metrics = Object.fromEntries(Object.values(GLUE_TASKS).map((task) => [task.name, task.metrics.map((m) => `${m.metric}@${m.split}`)]));
    expect(metrics).toEqual({
      CoLA: ['matthewsCorrelation@dev'],
      'SST-2': ['accuracy@dev'],
      MRPC: ['f1@dev', 'accuracy@dev'],
      'STS-B': ['pearson@dev', 'spearman@dev'],
      QQP: ['f1@dev', 'accuracy@dev'],
      MNLI: ['accuracy@dev_matched', 'accuracy@dev_mismatched'],
      QNLI: ['accuracy@dev'],
      RTE: ['accuracy@dev'],
      WNLI: ['accuracy@dev'],
    });
  });

  it('keeps every definition consistent: labels, file labels, metric splits, registry keys', () => {
    for (const [key, task] of Object.entries(TASKS)) {
      expect(task.name).toBe(key);
      expect(getTask(key as GlueTaskName)).toBe(task);
      expect(task.fileLabels).toHaveLength(task.labels.length);
      expect(task.kind === 'regression' ? 1 : task.labels.length).toBe(task.numLabels);
      for (const metric of task.metrics) {
        expect(task.splits[metric.split]?.layout.labelColumn, `${task.name} ${metric.key}`).toBeDefined();
        expect(METRICS[metric.metric]).toBeTypeOf('function');
      }
    }
  });

  it('names the tasks it knows when asked for another', () => {
    expect(() => getTask('sst2' as GlueTaskName)).toThrow(/^unknown task "sst2": expected one of CoLA, SST-2, MRPC/);
  });
});

describe('scores', () => {
  it("averages a task's metrics as the GLUE leaderboard does", () => {
    expect(taskScore('MRPC', { f1: 0.9, accuracy: 0.8 })).toBeCloseTo(0.85, 15);
    expect(taskScore('MNLI', { matchedAccuracy: 0.8, mismatchedAccuracy: 0.7 })).toBeCloseTo(0.75, 15);
    expect(taskScore('CoLA', { matthewsCorrelation: 0.4 })).toBe(0.4);
    expect(() => taskScore('STS-B', { pearson: 0.8 })).toThrow('STS-B score: expected metrics pearson, spearman, missing spearman');
  });

  it('evaluates a task from predictions on the splits its metrics use', () => {
    const evaluation = evaluateTask('MNLI', {
      dev_matched: { predictions: [0, 1, 2, 2], labels: [0, 1, 2, 1] },
      dev_mismatched: { predictions: [0, 0], labels: [0, 1] },
    });
    expect(evaluation).toEqual({ task: 'MNLI', metrics: { matchedAccuracy: 0.75, mismatchedAccuracy: 0.5 }, score: 0.625 });
    const stsb = evaluateTask('STS-B', { dev: { predictions: [1, 2, 3, 4], labels: [1, 2, 3, 5] } });
    expect(stsb.metrics.spearman).toBe(1);
    expect(() => evaluateTask('RTE', { train: { predictions: [0], labels: [0] } })).toThrow(
      'RTE accuracy: expected predictions for split dev, got splits train',
    );
  });

  const scores = { CoLA: 0.4, 'SST-2': 0.9, MRPC: 0.85, 'STS-B': 0.8, QQP: 0.85, MNLI: 0.75, QNLI: 0.85, RTE: 0.6, WNLI: 0.3 };

  it('averages GLUE with and without CoLA, leaving WNLI out unless asked', () => {
    expect(glueAverage(scores)).toBeCloseTo((0.4 + 0.9 + 0.85 + 0.8 + 0.85 + 0.75 + 0.85 + 0.6) / 8, 15);
    expect(glueAverage(scores, { withCola: false })).toBeCloseTo((0.9 + 0.85 + 0.8 + 0.85 + 0.75 + 0.85 + 0.6) / 7, 15);
    expect(glueAverage(scores, { withWnli: true })).toBeCloseTo((0.4 + 0.9 + 0.85 + 0.8 + 0.85 + 0.75 + 0.85 + 0.6 + 0.3) / 9, 15);
    expect(glueAverageTasks({ withCola: false })).not.toContain('CoLA');
  });

  it('refuses an average with a task missing', () => {
    const { RTE: _, ...withoutRte } = scores;
    expect(() => glueAverage(withoutRte)).toThrow(GlueError);
    expect(() => glueAverage(withoutRte)).toThrow('GLUE average: expected scores for CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, missing RTE');
  });
});

describe('task lookups by name', () => {
  it('only find own tasks: inherited names are unknown tasks, a typed GlueError (a UfbertError)', () => {
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(() => getTask(name as GlueTaskName)).toThrow(GlueError);
      expect(() => getTask(name as GlueTaskName)).toThrow(new RegExp(`^unknown task "${name}": expected one of`));
    }
    expect(new GlueError('x')).toBeInstanceOf(UfbertError);
    expect(() => getSplit(getTask('RTE'), 'toString')).toThrow(/^RTE has no split "toString"/);
  });

  it('only find own embedded tasks: inherited names are a GlueError listing spam and sentiment (toString once loaded sentiment)', () => {
    for (const name of INHERITED_NAMES) {
      expect(() => embeddedTaskSource(name as EmbeddedTaskName)).toThrow(`unknown embedded task "${name}": expected one of spam, sentiment`);
      expect(() => loadEmbeddedTask(name as EmbeddedTaskName)).toThrow(GlueError);
    }
  });
});
