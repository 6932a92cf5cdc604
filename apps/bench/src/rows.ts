import type { Measurement } from './measure.js';
import type { Row } from './report/types.js';

export type RowIdentity = Omit<
  Row,
  'median_us_per_token' | 'min_us_per_token' | 'max_us_per_token' | 'median_ms_per_call' | 'tokens_per_second' | 'samples' | 'calls_per_sample' | 'warmup_calls'
>;

/** Turns a measurement of calls of `identity.batch` tokens into a row, per token. */
export function makeRow(identity: RowIdentity, m: Measurement): Row {
  const perToken = (s: number) => round((s * 1e6) / identity.batch);
  const notes = [identity.note, m.capped].filter((n): n is string => Boolean(n));
  const row: Row = {
    ...identity,
    median_us_per_token: perToken(m.medianS),
    min_us_per_token: perToken(m.minS),
    max_us_per_token: perToken(m.maxS),
    median_ms_per_call: round(m.medianS * 1e3),
    tokens_per_second: round(identity.batch / m.medianS),
    samples: m.samples,
    calls_per_sample: m.callsPerSample,
    warmup_calls: m.warmupCalls,
  };
  if (notes.length) row.note = notes.join('; ');
  else delete row.note;
  return row;
}

/** Four significant digits: the timings are not better than that. */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(4));
}

/** `fff-1x11`, the paper's KxD name of an FFF layer. */
export function fffName(trees: number, depth: number): string {
  return `fff-${trees}x${depth}`;
}

/** One console line per row. */
export function formatRow(row: Row): string {
  const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const spread = `min ${fmt(row.min_us_per_token)}, max ${fmt(row.max_us_per_token)}; ${row.samples}x${row.calls_per_sample} calls`;
  const note = row.note ? ` [${row.note}]` : '';
  return `  ${row.name.padEnd(30)} ${row.implementation.padEnd(44)} B=${String(row.batch).padEnd(5)} ${fmt(row.median_us_per_token).padStart(9)} µs/token (${spread})${note}`;
}
