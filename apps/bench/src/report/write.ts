import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFolderSync, FILE_LIMITS, readTextSync, writeFileAtomicSync } from '@ufbert/tensor/node';
import { validate, type JsonSchema } from '../schema/validate.js';
import { renderMarkdown } from './markdown.js';
import { buildSummary } from './summary.js';
import { batchCharts, depthCharts, headlineChart } from './svg.js';
import type { BenchResult } from './types.js';

/** results.schema.json at the app's root (this file runs from src/report or dist/report). */
export const SCHEMA_URL = new URL('../../results.schema.json', import.meta.url);
/** summary.schema.json, beside it. */
export const SUMMARY_SCHEMA_URL = new URL('../../summary.schema.json', import.meta.url);

export function loadSchema(): JsonSchema {
  return JSON.parse(readTextSync(fileURLToPath(SCHEMA_URL), { what: 'results schema', maxBytes: FILE_LIMITS.json })) as JsonSchema;
}

export function loadSummarySchema(): JsonSchema {
  return JSON.parse(readTextSync(fileURLToPath(SUMMARY_SCHEMA_URL), { what: 'summary schema', maxBytes: FILE_LIMITS.json })) as JsonSchema;
}

export interface WrittenFiles {
  json: string;
  /** `<stem>-summary.json`: the headline figures (summary.schema.json). */
  summary: string;
  markdown: string;
  svgs: string[];
}

export class InvalidResultError extends Error {
  override name = 'InvalidResultError';
}

/** `bench-full-2025-01-31T10-20-30-123Z`: sortable, and no ':' for the file systems that refuse it. */
export function runStem(result: BenchResult): string {
  return `bench-${result.mode}-${result.created_at.replace(/[:.]/g, '-')}`;
}

/**
 * Checks the result against results.schema.json and its summary against
 * summary.schema.json, then writes `<stem>.json`, `<stem>-summary.json`, `<stem>.md` and
 * the charts `<stem>-<chart>.svg` (those the run has data for).
 */
export function writeResult(result: BenchResult, outDir: string): WrittenFiles {
  const errors = validate(loadSchema(), result);
  if (errors.length) {
    throw new InvalidResultError(`the run does not match results.schema.json: ${errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`);
  }
  const stem = runStem(result);
  const summary = buildSummary(result, `${stem}.json`);
  const summaryErrors = validate(loadSummarySchema(), summary);
  if (summaryErrors.length) {
    throw new InvalidResultError(`the summary does not match summary.schema.json: ${summaryErrors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`);
  }
  ensureFolderSync(outDir, { what: 'bench results folder' });
  const charts = [...headlineChart(result), ...batchCharts(result.rows), ...depthCharts(result.rows)].map((c) => ({ ...c, file: `${stem}-${c.name}.svg` }));
  for (const chart of charts) writeFileAtomicSync(join(outDir, chart.file), chart.svg);
  const json = join(outDir, `${stem}.json`);
  writeFileAtomicSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const summaryFile = join(outDir, `${stem}-summary.json`);
  writeFileAtomicSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  const markdown = join(outDir, `${stem}.md`);
  writeFileAtomicSync(markdown, renderMarkdown(result, { charts: charts.map(({ file, alt }) => ({ file, alt })) }));
  return { json, summary: summaryFile, markdown, svgs: charts.map((c) => join(outDir, c.file)) };
}
