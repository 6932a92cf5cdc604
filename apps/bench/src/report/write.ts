import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate, type JsonSchema } from '../schema/validate.js';
import { renderMarkdown } from './markdown.js';
import { batchChart, depthChart } from './svg.js';
import type { BenchResult } from './types.js';

/** results.schema.json at the app's root (this file runs from src/report or dist/report). */
export const SCHEMA_URL = new URL('../../results.schema.json', import.meta.url);

export function loadSchema(): JsonSchema {
  return JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchema;
}

export interface WrittenFiles {
  json: string;
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
 * Checks the result against results.schema.json, then writes `<stem>.json`, `<stem>.md`
 * and the charts `<stem>-batch.svg` and `<stem>-depth.svg` (when the run has their data).
 */
export function writeResult(result: BenchResult, outDir: string): WrittenFiles {
  const errors = validate(loadSchema(), result);
  if (errors.length) {
    throw new InvalidResultError(`the run does not match results.schema.json: ${errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`);
  }
  mkdirSync(outDir, { recursive: true });
  const stem = runStem(result);
  const svgs: string[] = [];
  const charts: { batch?: string; depth?: string } = {};
  const batch = batchChart(result.rows);
  if (batch) {
    charts.batch = `${stem}-batch.svg`;
    svgs.push(join(outDir, charts.batch));
    writeFileSync(join(outDir, charts.batch), batch);
  }
  const depth = depthChart(result.rows);
  if (depth) {
    charts.depth = `${stem}-depth.svg`;
    svgs.push(join(outDir, charts.depth));
    writeFileSync(join(outDir, charts.depth), depth);
  }
  const json = join(outDir, `${stem}.json`);
  writeFileSync(json, JSON.stringify(result, null, 2) + '\n');
  const markdown = join(outDir, `${stem}.md`);
  writeFileSync(markdown, renderMarkdown(result, charts));
  return { json, markdown, svgs };
}
