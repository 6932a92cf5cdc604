import type { TaskEvaluation } from '@ufbert/glue';

export interface ModelSummary {
  name: string;
  kind: 'fff' | 'ff';
  validationLoss: number | null;
  unigramBaseline: number;
  steps: number;
  tokens: number;
  pretrainDir: string;
  pretrainedDir: string;
  tasks: Record<string, { evaluation: TaskEvaluation; baseline: TaskEvaluation }>;
}

const pct = (v: number) => (100 * v).toFixed(1);

/**
 * Rows = models; columns = validation MLM loss (with the unigram baseline), each task's score
 * (with its majority baseline) and their average; a last row gives the FFF model's retention
 * of the FF model's score, as the paper reports it.
 */
export function comparisonTable(summaries: ModelSummary[]): string {
  const tasks = [...new Set(summaries.flatMap((s) => Object.keys(s.tasks)))];
  const header = ['model', 'steps', 'val MLM loss', 'unigram baseline', ...tasks.map((t) => `${t} (majority)`), 'avg'];
  const rows = summaries.map((s) => {
    const scores = tasks.map((t) => s.tasks[t]?.evaluation.score);
    const avg = average(scores);
    return [
      s.name,
      String(s.steps),
      s.validationLoss === null ? 'n/a' : s.validationLoss.toFixed(3),
      s.unigramBaseline.toFixed(3),
      ...tasks.map((t) => (s.tasks[t] ? `${pct(s.tasks[t].evaluation.score)} (${pct(s.tasks[t].baseline.score)})` : 'n/a')),
      avg === null ? 'n/a' : pct(avg),
    ];
  });
  const fff = summaries.find((s) => s.kind === 'fff');
  const ff = summaries.find((s) => s.kind === 'ff');
  if (fff && ff) {
    const retention = (t: string) => {
      const a = fff.tasks[t]?.evaluation.score;
      const b = ff.tasks[t]?.evaluation.score;
      return a === undefined || b === undefined || b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`;
    };
    const avgFff = average(tasks.map((t) => fff.tasks[t]?.evaluation.score));
    const avgFf = average(tasks.map((t) => ff.tasks[t]?.evaluation.score));
    rows.push(['FFF retention (FFF / FF)', '', '', '', ...tasks.map(retention), avgFff !== null && avgFf ? `${((100 * avgFff) / avgFf).toFixed(1)}%` : 'n/a']);
  }
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function average(values: Array<number | undefined>): number | null {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}
