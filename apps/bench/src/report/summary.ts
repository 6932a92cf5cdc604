// summary.json: the headline figures of a run, for scripts and dashboards that should
// not parse the Markdown or walk every row. summary.schema.json is its contract.
import { headlineEntries, headlineTargets, levelEntries, modelEntries, PAPER_CPU_FIGURES, q8ModelTargets, type TargetCheck } from './headline.js';
import { dtypeOf, threadsOf } from './speedups.js';
import type { BenchResult, BrowserRow, MachineInfo, ModelDtype, RowLevel } from './types.js';
import { browserTargets } from './browser.js';

const round = (x: number) => Number(x.toPrecision(4));

export interface SummaryHeadline {
  threads: number;
  batch: number;
  dense: string;
  fff_implementation: string;
  fff_threads_used: number;
  fff_us_per_token: number;
  fff_min_us_per_token: number;
  fff_max_us_per_token: number;
  onnxruntime_us_per_token: number;
  onnxruntime_min_us_per_token: number;
  onnxruntime_max_us_per_token: number;
  speedup: number;
  flop_ratio: number;
  share_of_flop_ratio: number;
  fff_gflops: number;
  fff_peak_fraction?: number;
}

export interface SummaryLevel {
  backend: string;
  level: RowLevel;
  threads: number;
  batch: number;
  dense: string;
  ff_us_per_token: number;
  fff_us_per_token: number;
  speedup: number;
  flop_ratio: number;
  share_of_flop_ratio: number;
  above_flop_ratio: boolean;
}

export interface SummaryModel {
  name: string;
  backend: string;
  threads?: number;
  parallelism?: 'intra-op' | 'sequences';
  dtype: ModelDtype;
  call: string;
  us_per_token: number;
  ff_share?: number;
  non_ff_us_per_token?: number;
  speedup?: number;
  amdahl_bound?: number;
  feedforward_predicted?: number;
}

export interface BenchSummary {
  schema_version: 1;
  created_at: string;
  mode: BenchResult['mode'];
  /** The full results file, in the same folder. */
  results: string;
  machine: Pick<
    MachineInfo,
    'cpu_model' | 'cores' | 'node_version' | 'wasm_build' | 'multiply_add_peak_gflops' | 'simd_gflops_start' | 'simd_gflops_end' | 'wasm_threads'
  >;
  headline: SummaryHeadline[];
  targets: TargetCheck[];
  levels: SummaryLevel[];
  models: SummaryModel[];
  paper_cpu_reference: Array<{ speedup: number; label: string }>;
  /** The browser suite's rows and its targets, when it ran. */
  browser?: BrowserRow[];
  browser_targets?: TargetCheck[];
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function buildSummary(result: BenchResult, resultsFile: string): BenchSummary {
  const { machine } = result;
  const entries = headlineEntries(result);
  const levelBatch = [...new Set(result.rows.filter((r) => r.suite === 'kernels').map((r) => r.batch))].sort((a, b) => a - b);
  const batch = levelBatch.includes(128) ? 128 : levelBatch[levelBatch.length - 1];
  return {
    schema_version: 1,
    created_at: result.created_at,
    mode: result.mode,
    results: resultsFile,
    machine: defined({
      cpu_model: machine.cpu_model,
      cores: machine.cores,
      node_version: machine.node_version,
      wasm_build: machine.wasm_build,
      multiply_add_peak_gflops: machine.multiply_add_peak_gflops,
      simd_gflops_start: machine.simd_gflops_start,
      simd_gflops_end: machine.simd_gflops_end,
      wasm_threads: machine.wasm_threads,
    }),
    headline: entries.map((e) =>
      defined({
        threads: e.threads,
        batch: e.batch,
        dense: `ff-${e.denseWidth}`,
        fff_implementation: e.fff.implementation,
        fff_threads_used: e.fff.threads_used ?? threadsOf(e.fff),
        fff_us_per_token: e.fff.median_us_per_token,
        fff_min_us_per_token: e.fff.min_us_per_token,
        fff_max_us_per_token: e.fff.max_us_per_token,
        onnxruntime_us_per_token: e.onnxruntime.median_us_per_token,
        onnxruntime_min_us_per_token: e.onnxruntime.min_us_per_token,
        onnxruntime_max_us_per_token: e.onnxruntime.max_us_per_token,
        speedup: round(e.speedup),
        flop_ratio: round(e.flopRatio),
        share_of_flop_ratio: round(e.shareOfFlopRatio),
        fff_gflops: round(e.fffGflops),
        fff_peak_fraction: e.fffPeakFraction === undefined ? undefined : round(e.fffPeakFraction),
      }),
    ),
    targets: [...headlineTargets(entries), ...q8ModelTargets(result.rows)].map((t) => ({ ...t, value: round(t.value) })),
    levels:
      batch === undefined
        ? []
        : levelEntries(result.rows, batch).map((e) => ({
            backend: e.backend,
            level: e.level,
            threads: e.threads,
            batch: e.batch,
            dense: `ff-${e.denseWidth}`,
            ff_us_per_token: e.dense.median_us_per_token,
            fff_us_per_token: e.fff.median_us_per_token,
            speedup: round(e.speedup),
            flop_ratio: round(e.flopRatio),
            share_of_flop_ratio: round(e.shareOfFlopRatio),
            above_flop_ratio: e.speedup > e.flopRatio,
          })),
    models: modelEntries(result.rows).map(({ row, speedup, nonFfUsPerToken, amdahlBound, feedforwardPredicted }) =>
      defined({
        name: row.name,
        backend: row.backend,
        threads: row.threads,
        parallelism: row.parallelism,
        dtype: dtypeOf(row),
        call: `${row.sequences ?? 1}x${row.batch / (row.sequences ?? 1)}`,
        us_per_token: row.median_us_per_token,
        ff_share: row.ff_share,
        non_ff_us_per_token: nonFfUsPerToken === undefined ? undefined : round(nonFfUsPerToken),
        speedup: speedup === undefined ? undefined : round(speedup),
        amdahl_bound: amdahlBound === undefined ? undefined : round(amdahlBound),
        feedforward_predicted: feedforwardPredicted === undefined ? undefined : round(feedforwardPredicted),
      }),
    ),
    paper_cpu_reference: PAPER_CPU_FIGURES.map((f) => ({ ...f })),
    ...(result.browser?.length
      ? { browser: result.browser.map((r) => ({ ...r })), browser_targets: browserTargets(result.browser).map((t) => ({ ...t, value: round(t.value) })) }
      : {}),
  };
}
