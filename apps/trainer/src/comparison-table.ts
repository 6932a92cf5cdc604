import { averageScore, retention, taskNames } from './retention.js';
import type { ModelSummary } from './run-report.js';

const pct = (v: number) => (100 * v).toFixed(1);

/**
 * Rows = models; columns = validation MLM loss (with the unigram baseline), each task's score
 * (with its majority baseline) and their average; a last row gives the FFF model's retention
 * of the FF model's score, as the paper reports it. Markdown, for report.md and the terminal.
 */
export function comparisonTable(summaries: ModelSummary[]): string {
  const tasks = taskNames(summaries);
  const header = ['model', 'steps', 'val MLM loss', 'unigram baseline', ...tasks.map((t) => `${t} (majority)`), 'avg'];
  const rows = summaries.map((s) => {
    const avg = averageScore(s, tasks);
    return [
      s.name,
      String(s.steps),
      s.validationLoss === null ? 'n/a' : s.validationLoss.toFixed(3),
      s.unigramBaseline.toFixed(3),
      ...tasks.map((t) => (s.tasks[t] ? `${pct(s.tasks[t].evaluation.score)} (${pct(s.tasks[t].baseline.score)})` : 'n/a')),
      avg === null ? 'n/a' : pct(avg),
    ];
  });
  const kept = retention(summaries);
  if (kept) {
    const cell = (v: number | null, key: string) => (v === null ? `n/a${kept.notes[key] ? ` (${kept.notes[key]})` : ''}` : `${pct(v)}%`);
    rows.push(['FFF retention (FFF / FF)', '', '', '', ...tasks.map((t) => cell(kept.tasks[t] ?? null, t)), cell(kept.average, 'average')]);
  }
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
