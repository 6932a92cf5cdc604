import type { ModelSummary, Retention } from './run-report.js';

/** The tasks any model was evaluated on, in the order they ran. */
export function taskNames(summaries: readonly ModelSummary[]): string[] {
  return [...new Set(summaries.flatMap((s) => Object.keys(s.tasks)))];
}

/** A model's mean task score, or null when it has no task results. */
export function averageScore(summary: ModelSummary, tasks: readonly string[]): number | null {
  const present = tasks.map((t) => summary.tasks[t]?.evaluation.score).filter((v): v is number => v !== undefined);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}

/**
 * The FFF model's retention of the FF model's score, as the paper reports it: FFF score / FF
 * score per task and on the averages; null where either score is missing or the FF score is 0.
 * Null without both an FFF and an FF model.
 */
export function retention(summaries: readonly ModelSummary[]): Retention | null {
  const fff = summaries.find((s) => s.kind === 'fff');
  const ff = summaries.find((s) => s.kind === 'ff');
  if (!fff || !ff) return null;
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a === null || a === undefined || !b ? null : a / b);
  const tasks = taskNames(summaries);
  return {
    tasks: Object.fromEntries(tasks.map((t) => [t, ratio(fff.tasks[t]?.evaluation.score, ff.tasks[t]?.evaluation.score)])),
    average: ratio(averageScore(fff, tasks), averageScore(ff, tasks)),
  };
}
