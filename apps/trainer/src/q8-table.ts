import { taskNames } from './retention.js';
import type { ModelSummary } from './run-report.js';

const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`);
const cosine = (v: number | null) => (v === null ? 'n/a' : v.toFixed(5));

/**
 * Rows = models; columns = q8 against fp32 of the same model on onnxruntime: top-1 agreement
 * at held-out masked positions, per-token hidden-state cosine (min, mean), the FFF leaves
 * that differ, and each task's dev accuracy fp32 -> q8 with the difference in points.
 * Markdown, for report.md and the terminal, below the comparison table.
 */
export function q8Table(summaries: readonly ModelSummary[]): string {
  const tasks = taskNames(summaries);
  const header = [
    'model (q8 vs fp32, onnxruntime)',
    'masked top-1 agreement',
    'hidden cosine min',
    'hidden cosine mean',
    'FFF leaves differing (tokens with any)',
    ...tasks.map((t) => `${t} accuracy fp32 -> q8`),
  ];
  const rows = summaries.map(({ name, q8 }) => [
    name,
    q8.top1Agreement === null ? 'n/a' : `${pct(q8.top1Agreement)} of ${q8.maskedPositions}`,
    cosine(q8.hiddenCosineMin),
    cosine(q8.hiddenCosineMean),
    q8.leafDifferShare === null ? 'n/a (dense)' : `${pct(q8.leafDifferShare)} (${pct(q8.tokensWithLeafDifferingShare)})`,
    ...tasks.map((t) => {
      const a = q8.tasks[t];
      return a
        ? `${(100 * a.fp32Accuracy).toFixed(1)} -> ${(100 * a.q8Accuracy).toFixed(1)} (${a.differencePoints >= 0 ? '+' : ''}${a.differencePoints.toFixed(1)} points)`
        : 'n/a';
    }),
  ]);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
