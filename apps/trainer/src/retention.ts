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
 * score per task and on the averages. Null where either score is missing, and where the FF
 * model is not above its majority baseline: a ratio to a model that learned nothing says
 * nothing true (two models at the baseline once read "FFF retention 103%"); `notes` says why.
 * The average runs over the tasks with a retention. Null without both an FFF and an FF model.
 */
export function retention(summaries: readonly ModelSummary[]): Retention | null {
  const fff = summaries.find((s) => s.kind === 'fff');
  const ff = summaries.find((s) => s.kind === 'ff');
  if (!fff || !ff) return null;
  const tasks = taskNames(summaries);
  const notes: Record<string, string> = {};
  const learned = tasks.filter((t) => {
    const [ours, theirs] = [fff.tasks[t], ff.tasks[t]];
    if (!ours || !theirs) notes[t] = `${!ours ? 'the FFF model' : 'the FF model'} has no ${t} score`;
    else if (!(theirs.evaluation.score > theirs.baseline.score)) notes[t] = `the FF model is at or below its majority baseline on ${t}`;
    return notes[t] === undefined;
  });
  if (learned.length === 0) notes.average = 'the FF model is above its majority baseline on no task';
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
  return {
    tasks: Object.fromEntries(tasks.map((t) => [t, notes[t] === undefined ? ratio(fff.tasks[t].evaluation.score, ff.tasks[t].evaluation.score) : null])),
    average: learned.length ? ratio(averageScore(fff, learned), averageScore(ff, learned)) : null,
    notes,
  };
}
