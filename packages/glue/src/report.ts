import { GLUE_AVERAGE_TASKS, glueAverage, glueAverageTasks } from './scores.js';

/** One model's task scores (see `taskScore`), as fractions, by task name (`MRPC`, `STS-B`, `spam`, ...). */
export interface ModelScores {
  readonly model: string;
  readonly scores: Readonly<Partial<Record<string, number>>>;
}

export interface ReportRow {
  readonly model: string;
  /** Score per task column; null where the model has none. */
  readonly scores: Readonly<Record<string, number | null>>;
  /** GLUE average without CoLA, or null when a task it needs is missing. */
  readonly glueAverageWithoutCola: number | null;
  /** GLUE average with CoLA, or null when a task it needs is missing. */
  readonly glueAverage: number | null;
}

export interface GlueReport {
  /** Task columns in table order. */
  readonly tasks: readonly string[];
  readonly rows: readonly ReportRow[];
}

/** The UltraFastBERT paper's column order; CoLA stands between the two averages, WNLI and other tasks follow. */
const PAPER_ORDER = ['RTE', 'MRPC', 'STS-B', 'SST-2', 'MNLI', 'QNLI', 'QQP'];
const AVERAGE_WITHOUT_COLA = 'Avg w/o CoLA';
const AVERAGE = 'Avg';

/** Rows of scores and averages, with the task columns that any row has, in the paper's order. */
export function buildReport(results: readonly ModelScores[]): GlueReport {
  const present = new Set(results.flatMap((result) => Object.keys(result.scores)));
  const others = [...present].filter((task) => !PAPER_ORDER.includes(task) && task !== 'CoLA' && task !== 'WNLI');
  const tasks = [...PAPER_ORDER, 'CoLA', 'WNLI', ...others].filter((task) => present.has(task));
  const rows = results.map(
    (result): ReportRow => ({
      model: result.model,
      scores: Object.fromEntries(tasks.map((task) => [task, result.scores[task] ?? null])),
      glueAverageWithoutCola: averageOrNull(result.scores, false),
      glueAverage: averageOrNull(result.scores, true),
    }),
  );
  return { tasks, rows };
}

/**
 * A Markdown table like the paper's: one row per model; task columns, the average without CoLA, CoLA, and
 * the average with it. Scores are printed as percentages; `-` marks a missing score or average.
 */
export function formatReportMarkdown(results: readonly ModelScores[], options: { digits?: number } = {}): string {
  const digits = options.digits ?? 1;
  const { tasks, rows } = buildReport(results);
  const showAverages = tasks.some((task) => (GLUE_AVERAGE_TASKS as readonly string[]).includes(task));
  const beforeCola = tasks.filter((task) => PAPER_ORDER.includes(task));
  const afterCola = tasks.filter((task) => !PAPER_ORDER.includes(task) && task !== 'CoLA');
  const columns = [
    ...beforeCola,
    ...(showAverages ? [AVERAGE_WITHOUT_COLA] : []),
    ...(tasks.includes('CoLA') ? ['CoLA'] : []),
    ...(showAverages ? [AVERAGE] : []),
    ...afterCola,
  ];
  const cell = (value: number | null): string => (value === null ? '-' : (value * 100).toFixed(digits));
  const lines = [
    `| Model | ${columns.join(' | ')} |`,
    `| :-- | ${columns.map(() => '--:').join(' | ')} |`,
    ...rows.map((row) => {
      const values = columns.map((column) => {
        if (column === AVERAGE_WITHOUT_COLA) return cell(row.glueAverageWithoutCola);
        if (column === AVERAGE) return cell(row.glueAverage);
        return cell(row.scores[column]);
      });
      return `| ${row.model.replaceAll('|', '\\|')} | ${values.join(' | ')} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

/** The report as JSON: `{tasks, rows: [{model, scores, glueAverageWithoutCola, glueAverage}]}`, scores as fractions. */
export function formatReportJson(results: readonly ModelScores[]): string {
  return `${JSON.stringify(buildReport(results), null, 2)}\n`;
}

function averageOrNull(scores: Readonly<Partial<Record<string, number>>>, withCola: boolean): number | null {
  const complete = glueAverageTasks({ withCola }).every((task) => scores[task] !== undefined);
  return complete ? glueAverage(scores, { withCola }) : null;
}
