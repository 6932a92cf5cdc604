import type { MetricName } from './metrics.js';

/** How one kind of TSV file of a task is laid out. Fields are separated by tabs only; quotes are text. */
export interface TsvLayout {
  /**
   * Column names by position, for a file without a header row (CoLA train and dev). Absent when the first
   * line is a header row: columns are then looked up by name in it, and every row must have as many fields
   * as the header.
   */
  readonly columns?: readonly string[];
  /** Column holding the row id; without one, rows are numbered from 0 in file order. */
  readonly idColumn?: string;
  /** Column holding the gold label; absent in test files, which have no labels. */
  readonly labelColumn?: string;
  /**
   * What a row with the wrong number of fields is: an error (the default), or skipped and counted where the
   * official data is known to have such rows (QQP).
   */
  readonly wrongFieldCount?: 'error' | 'skip';
}

/** One file of a task, such as `dev_matched.tsv`. */
export interface TaskSplit {
  /** File name inside the task's folder. */
  readonly file: string;
  readonly layout: TsvLayout;
}

/** One number a task reports, computed on one split. */
export interface TaskMetric {
  /** Name of the number in evaluation results, such as `matchedAccuracy`. */
  readonly key: string;
  readonly metric: MetricName;
  /** The split it is computed on (GLUE scores dev sets; test labels are private). */
  readonly split: string;
}

export interface TaskDefinition {
  /** Name as the GLUE paper and leaderboard write it (`SST-2`), or the name of an embedded task. */
  readonly name: string;
  readonly description: string;
  /** The task's folder under a data root: the official GLUE download puts `CoLA/train.tsv` there. */
  readonly directory: string;
  readonly kind: 'classification' | 'regression';
  /** Outputs of the model's head: the number of classes, or 1 for regression. */
  readonly numLabels: number;
  /** Class names; a class id is an index into this list. Empty for regression. */
  readonly labels: readonly string[];
  /** How each class is written in the files, in the order of `labels`. Empty for regression. */
  readonly fileLabels: readonly string[];
  /** For regression: the inclusive range a gold score must lie in. */
  readonly scoreRange?: readonly [number, number];
  /** Columns holding the text the model reads: one for single-sentence tasks, two for sentence pairs. */
  readonly sentenceColumns: readonly [string] | readonly [string, string];
  /** Files of the task by split name (`train`, `dev`, `test`, `dev_matched`, ...). */
  readonly splits: Readonly<Record<string, TaskSplit>>;
  /** What the task reports; its score is the unweighted mean of these. */
  readonly metrics: readonly TaskMetric[];
}
