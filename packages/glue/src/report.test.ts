import { describe, expect, it } from 'vitest';
import { buildReport, formatReportJson, formatReportMarkdown, type ModelScores } from './index.js';

const full = { CoLA: 0.452, 'SST-2': 0.911, MRPC: 0.871, 'STS-B': 0.862, QQP: 0.874, MNLI: 0.822, QNLI: 0.893, RTE: 0.612 };
const results: ModelScores[] = [
  { model: 'crammedBERT-3072', scores: full },
  { model: 'UltraFastBERT-1x11', scores: { ...full, CoLA: 0.301, RTE: 0.599, spam: 0.97 } },
  { model: 'partial | run', scores: { 'SST-2': 0.5 } },
];

describe('report', () => {
  it('builds rows with both GLUE averages, null where a task is missing', () => {
    const report = buildReport(results);
    expect(report.tasks).toEqual(['RTE', 'MRPC', 'STS-B', 'SST-2', 'MNLI', 'QNLI', 'QQP', 'CoLA', 'spam']);
    expect(report.rows[0].glueAverage).toBeCloseTo((0.452 + 0.911 + 0.871 + 0.862 + 0.874 + 0.822 + 0.893 + 0.612) / 8, 15);
    expect(report.rows[0].glueAverageWithoutCola).toBeCloseTo((0.911 + 0.871 + 0.862 + 0.874 + 0.822 + 0.893 + 0.612) / 7, 15);
    expect(report.rows[0].scores.spam).toBeNull();
    expect(report.rows[2]).toMatchObject({ glueAverage: null, glueAverageWithoutCola: null });
  });

  it('formats a Markdown table like the paper: tasks, average without CoLA, CoLA, average', () => {
    expect(formatReportMarkdown(results)).toBe(
      [
        '| Model | RTE | MRPC | STS-B | SST-2 | MNLI | QNLI | QQP | Avg w/o CoLA | CoLA | Avg | spam |',
        '| :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
        '| crammedBERT-3072 | 61.2 | 87.1 | 86.2 | 91.1 | 82.2 | 89.3 | 87.4 | 83.5 | 45.2 | 78.7 | - |',
        '| UltraFastBERT-1x11 | 59.9 | 87.1 | 86.2 | 91.1 | 82.2 | 89.3 | 87.4 | 83.3 | 30.1 | 76.7 | 97.0 |',
        '| partial \\| run | - | - | - | 50.0 | - | - | - | - | - | - | - |',
        '',
      ].join('\n'),
    );
  });

  it('leaves the averages out of a table without GLUE tasks', () => {
    expect(formatReportMarkdown([{ model: 'm', scores: { sentiment: 0.8123 } }], { digits: 2 })).toBe('| Model | sentiment |\n| :-- | --: |\n| m | 81.23 |\n');
  });

  it('writes JSON with fractions and nulls', () => {
    const parsed = JSON.parse(formatReportJson(results)) as ReturnType<typeof buildReport>;
    expect(parsed.tasks).toEqual(buildReport(results).tasks);
    expect(parsed.rows[1]).toMatchObject({ model: 'UltraFastBERT-1x11', scores: { CoLA: 0.301, spam: 0.97 } });
    expect(parsed.rows[2].scores.RTE).toBeNull();
  });
});
