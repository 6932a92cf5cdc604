import { GlueError } from './errors.js';
import type { GlueTaskName } from './glue-tasks.js';
import { METRICS } from './metrics.js';
import type { TaskDefinition } from './task-definition.js';
import { getTask, type TaskName } from './task-registry.js';

/** A model's outputs on one split, next to the gold labels: class ids (argmax) or regression scores. */
export interface SplitPredictions {
  readonly predictions: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
}

export interface TaskEvaluation {
  readonly task: string;
  /** Every metric of the task by its key (`f1`, `accuracy`, `matchedAccuracy`, ...), as fractions. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The task's score: the mean of its metrics. */
  readonly score: number;
}

/**
 * A task's score as the GLUE leaderboard computes it: the unweighted mean of the task's metrics (MRPC and
 * QQP: F1 and accuracy; STS-B: Pearson and Spearman; MNLI: matched and mismatched accuracy), or the single
 * metric of the others.
 */
export function taskScore(task: TaskName | TaskDefinition, metrics: Readonly<Record<string, number>>): number {
  const definition = getTask(task);
  let sum = 0;
  for (const { key } of definition.metrics) {
    const value = metrics[key];
    if (value === undefined) {
      throw new GlueError(`${definition.name} score: expected metrics ${definition.metrics.map((m) => m.key).join(', ')}, missing ${key}`);
    }
    sum += value;
  }
  return sum / definition.metrics.length;
}

/** Computes every metric of a task from the model's outputs on the splits they are defined on, and its score. */
export function evaluateTask(task: TaskName | TaskDefinition, outputs: Readonly<Record<string, SplitPredictions>>): TaskEvaluation {
  const definition = getTask(task);
  const metrics: Record<string, number> = {};
  for (const { key, metric, split } of definition.metrics) {
    const splitOutputs = outputs[split];
    if (splitOutputs === undefined) {
      throw new GlueError(`${definition.name} ${key}: expected predictions for split ${split}, got splits ${Object.keys(outputs).join(', ') || 'none'}`);
    }
    metrics[key] = METRICS[metric](splitOutputs.predictions, splitOutputs.labels);
  }
  return { task: definition.name, metrics, score: taskScore(definition, metrics) };
}

/**
 * The tasks the GLUE average runs over, as in the BERT, crammedBERT and UltraFastBERT papers: WNLI is left
 * out (its dev set is adversarial, pairing train sentences with the opposite label, and those papers do not
 * report it).
 */
export const GLUE_AVERAGE_TASKS: readonly GlueTaskName[] = ['CoLA', 'SST-2', 'MRPC', 'STS-B', 'QQP', 'MNLI', 'QNLI', 'RTE'];

export interface GlueAverageOptions {
  /** Include CoLA (default true). UltraFastBERT reports the average both with and without it. */
  readonly withCola?: boolean;
  /** Include WNLI, as the GLUE leaderboard's score does (default false, as the papers). */
  readonly withWnli?: boolean;
}

/** The tasks a GLUE average with these options runs over. */
export function glueAverageTasks(options: GlueAverageOptions = {}): GlueTaskName[] {
  const tasks = GLUE_AVERAGE_TASKS.filter((task) => task !== 'CoLA' || (options.withCola ?? true));
  if (options.withWnli ?? false) tasks.push('WNLI');
  return tasks;
}

/** Mean of task scores (see `taskScore`) over the GLUE tasks; every one of them must have a score. */
export function glueAverage(scores: Readonly<Partial<Record<string, number>>>, options: GlueAverageOptions = {}): number {
  const tasks = glueAverageTasks(options);
  const missing = tasks.filter((task) => scores[task] === undefined);
  if (missing.length > 0) {
    throw new GlueError(`GLUE average: expected scores for ${tasks.join(', ')}, missing ${missing.join(', ')}`);
  }
  return tasks.reduce((sum, task) => sum + (scores[task] as number), 0) / tasks.length;
}
