// The figures a reader should take away from a run, computed once from its rows for the
// Markdown report and for summary.json: the fastest FFF against onnxruntime's dense FF
// with the same threads, each against its FLOP ratio; the paper's level comparison; the
// kernel's share of the host's multiply-add peak; the whole-model rows with their
// Amdahl bound.
import { dtypeOf, externalWithThreads, fastest, levelRank, matchingDense, ONNXRUNTIME_BACKEND, threadsOf } from './speedups.js';
import type { BenchResult, ModelDtype, Row, RowLevel } from './types.js';

/** FLOPs (2 per multiply-add) per token of a feedforward row: dense M (H + O); FFF only its k (d + 1) visited nodes. */
export function feedforwardFlopsPerToken(row: Pick<Row, 'family' | 'input_size' | 'output_size' | 'neurons' | 'trees' | 'depth'>): number {
  const visited = row.family === 'fff' && row.trees !== undefined && row.depth !== undefined ? row.trees * (row.depth + 1) : row.neurons;
  return 2 * visited * (row.input_size + row.output_size);
}

/** Dense FLOPs over FFF FLOPs per token: the speedup a kernel running both at the same FLOP rate would show (256 for FF-3072 against FFF-1x11). */
export function flopRatio(dense: Row, fff: Row): number {
  return feedforwardFlopsPerToken(dense) / feedforwardFlopsPerToken(fff);
}

/** The paper's CPU figures (Belcak & Wattenhofer 2023), shown beside ours as labelled reference marks. */
export const PAPER_CPU_FIGURES: ReadonlyArray<{ speedup: number; label: string }> = [
  { speedup: 78, label: 'paper, CPU: 78x, its fastest CMM over its own dense baseline' },
  { speedup: 40, label: 'paper, CPU: 40x, PyTorch CMM over PyTorch dense' },
];

/** The thread-matched targets: FFF-1x11 against onnxruntime FF-3072 with 2 threads each. */
export const HEADLINE_TARGETS: ReadonlyArray<{ batch: number; threads: number; speedup: number }> = [
  { batch: 128, threads: 2, speedup: 25 },
  { batch: 1, threads: 2, speedup: 100 },
];

export interface HeadlineEntry {
  threads: number;
  batch: number;
  denseWidth: number;
  fff: Row;
  onnxruntime: Row;
  speedup: number;
  flopRatio: number;
  /** speedup / flopRatio: the part of the FLOP saving the measured times keep. */
  shareOfFlopRatio: number;
  /** The FFF kernel's GFLOP/s (its visited nodes' multiply-adds x 2 over its time). */
  fffGflops: number;
  /** fffGflops over the multiply-add peak of the threads the call ran on; undefined without a peak. */
  fffPeakFraction?: number;
}

/** Rows a thread-matched comparison may pick an FFF kernel from: CPU kernels on fp32 weights, as the dense ones (an emulated or real GPU is not thread-matched). */
const cpuFffKernels = (rows: readonly Row[], batch: number) =>
  rows.filter(
    (r) =>
      r.suite === 'kernels' && r.family === 'fff' && r.dtype === undefined && r.batch === batch && r.backend !== 'webgpu' && !(r.trees !== 1 || r.depth !== 11),
  );

/**
 * Per onnxruntime thread count t, batch and dense width: the fastest FFF-1x11 kernel
 * using at most t threads against onnxruntime's dense FF with t intra-op threads.
 */
export function headlineEntries(result: BenchResult): HeadlineEntry[] {
  const { rows, machine } = result;
  const threadCounts = [...new Set(rows.filter((r) => r.suite === 'external').map(threadsOf))].sort((a, b) => a - b);
  const widths = [...new Set(rows.filter((r) => r.suite === 'external').map((r) => r.neurons))].sort((a, b) => a - b);
  const batches = [...new Set(rows.filter((r) => r.suite === 'kernels').map((r) => r.batch))].sort((a, b) => a - b);
  const out: HeadlineEntry[] = [];
  for (const width of widths) {
    for (const threads of threadCounts) {
      for (const batch of batches) {
        const fff = fastest(cpuFffKernels(rows, batch).filter((r) => threadsOf(r) <= threads));
        const onnxruntime = externalWithThreads(rows, width, batch, threads);
        if (!fff || !onnxruntime) continue;
        const speedup = onnxruntime.median_us_per_token / fff.median_us_per_token;
        const ratio = flopRatio(onnxruntime, fff);
        const fffGflops = feedforwardFlopsPerToken(fff) / (fff.median_us_per_token * 1e3);
        const used = fff.threads_used ?? threadsOf(fff);
        out.push({
          threads,
          batch,
          denseWidth: width,
          fff,
          onnxruntime,
          speedup,
          flopRatio: ratio,
          shareOfFlopRatio: speedup / ratio,
          fffGflops,
          ...(machine.multiply_add_peak_gflops ? { fffPeakFraction: fffGflops / (machine.multiply_add_peak_gflops * used) } : {}),
        });
      }
    }
  }
  return out;
}

export interface TargetCheck {
  what: string;
  value: number;
  target: number;
  met: boolean;
}

/** The issue-18 targets (FF-3072, 2 threads each) as this run measured them; absent when the run has no such rows. */
export function headlineTargets(entries: readonly HeadlineEntry[]): TargetCheck[] {
  return HEADLINE_TARGETS.flatMap(({ batch, threads, speedup }) => {
    const e = entries.find((x) => x.denseWidth === 3072 && x.threads === threads && x.batch === batch);
    if (!e) return [];
    return [{ what: `FFF-1x11 vs onnxruntime FF-3072, B=${batch}, ${threads} threads each`, value: e.speedup, target: speedup, met: e.speedup >= speedup }];
  });
}

export interface LevelEntry {
  backend: string;
  level: RowLevel;
  threads: number;
  batch: number;
  denseWidth: number;
  dense: Row;
  fff: Row;
  speedup: number;
  flopRatio: number;
  shareOfFlopRatio: number;
}

/** The conditional kernel row for a level: that level, or the highest below it (there is no level-3 CMM). */
export function matchingConditional(rows: readonly Row[], backend: string, level: RowLevel, batch: number, threads = 1): Row | undefined {
  return rows
    .filter(
      (r) =>
        r.suite === 'kernels' &&
        r.family === 'fff' &&
        r.dtype === undefined &&
        r.backend === backend &&
        r.batch === batch &&
        threadsOf(r) === threads &&
        levelRank(r.level) <= levelRank(level),
    )
    .sort((a, b) => levelRank(b.level) - levelRank(a.level))[0];
}

export interface LevelLine {
  backend: string;
  level: RowLevel;
  threads: number;
}

const BACKEND_ORDER = ['ts', 'wasm', 'webgpu'];
const backendRank = (backend: string) => {
  const i = BACKEND_ORDER.indexOf(backend);
  return i < 0 ? BACKEND_ORDER.length : i;
};

/** The (backend, level, threads) lines of the kernel rows, in the paper's order: level 1, 2, 3, fused per backend. */
export function levelLines(rows: readonly Row[]): LevelLine[] {
  const kernelRows = rows.filter((r) => r.suite === 'kernels');
  const key = (l: LevelLine) => `${l.backend}\u0000${l.level}\u0000${l.threads}`;
  const lines = new Map<string, LevelLine>();
  for (const r of kernelRows) {
    const line = { backend: r.backend, level: r.level, threads: threadsOf(r) };
    lines.set(key(line), line);
  }
  return [...lines.values()].sort(
    (a, b) => backendRank(a.backend) - backendRank(b.backend) || levelRank(a.level) - levelRank(b.level) || a.threads - b.threads,
  );
}

/** FF at level L against FFF at level L (or the highest below), same backend and threads, per dense width, at `batch`. */
export function levelEntries(rows: readonly Row[], batch: number): LevelEntry[] {
  const widths = [...new Set(rows.filter((r) => r.suite === 'kernels' && r.family === 'ff').map((r) => r.neurons))].sort((a, b) => a - b);
  const out: LevelEntry[] = [];
  for (const { backend, level, threads } of levelLines(rows)) {
    const fff = matchingConditional(rows, backend, level, batch, threads);
    if (!fff) continue;
    for (const width of widths) {
      const dense = matchingDense(rows, backend, level, batch, width, threads);
      if (!dense) continue;
      const speedup = dense.median_us_per_token / fff.median_us_per_token;
      const ratio = flopRatio(dense, fff);
      out.push({ backend, level, threads, batch, denseWidth: width, dense, fff, speedup, flopRatio: ratio, shareOfFlopRatio: speedup / ratio });
    }
  }
  return out;
}

export interface ModelEntry {
  row: Row;
  /** The dense model with the same backend, threads, call shape and dtype. */
  dense?: Row;
  /** Measured: dense time over this row's. */
  speedup?: number;
  /** Time per token outside the feedforward blocks (tfjs rows, where the share was profiled). */
  nonFfUsPerToken?: number;
  /**
   * Amdahl's bound on the speedup of replacing the dense feedforward, from the dense
   * model's measured feedforward share s: 1 / (1 - s), what a feedforward of zero cost
   * would give. A measured speedup above it means the two runs' non-feedforward times
   * differ (noise, or the host), not that the FFF beat the bound.
   */
  amdahlBound?: number;
  /**
   * The speedup the feedforward times alone predict: the dense model's time over its
   * non-feedforward time plus this row's feedforward time, as if both runs spent the
   * same time outside the feedforward blocks.
   */
  feedforwardPredicted?: number;
}

/** The whole-model rows, each with its dense counterpart, measured speedup, non-FF time and Amdahl bound. */
export function modelEntries(rows: readonly Row[]): ModelEntry[] {
  const model = rows.filter((r) => r.suite === 'model');
  return model.map((row) => {
    const dense =
      row.family === 'fff'
        ? model.find(
            (d) =>
              d.family === 'ff' &&
              d.backend === row.backend &&
              d.batch === row.batch &&
              d.sequences === row.sequences &&
              d.threads === row.threads &&
              d.parallelism === row.parallelism &&
              dtypeOf(d) === dtypeOf(row),
          )
        : undefined;
    const entry: ModelEntry = { row };
    if (row.ff_us_per_token !== undefined) entry.nonFfUsPerToken = row.median_us_per_token - row.ff_us_per_token;
    if (dense) {
      entry.dense = dense;
      entry.speedup = dense.median_us_per_token / row.median_us_per_token;
      if (dense.ff_share !== undefined && dense.ff_share < 1) entry.amdahlBound = 1 / (1 - dense.ff_share);
      if (dense.ff_us_per_token !== undefined && row.ff_us_per_token !== undefined) {
        entry.feedforwardPredicted = dense.median_us_per_token / (dense.median_us_per_token - dense.ff_us_per_token + row.ff_us_per_token);
      }
    }
    return entry;
  });
}

/** Issue 25's speedups of UltraFastBERT q8 over crammedBERT-3072 q8 and fp32 (8x128, same threads). */
export const Q8_MODEL_TARGETS = { vsDenseQ8: 2.2, vsDenseFp32: 3.5 } as const;

const callOf = (row: Row) => `${row.sequences ?? 1}x${row.batch / (row.sequences ?? 1)}`;
const threadsText = (row: Row) => `${row.threads} thread${row.threads === 1 ? '' : 's'}${row.parallelism === 'sequences' ? ' (sequence-parallel)' : ''}`;

/**
 * Issue 25's targets on onnxruntime, per UltraFastBERT q8 row of 8 sequences: at least
 * 2.2x faster per token than the faster crammedBERT-3072 q8 row with the same threads (the
 * quantized dense model users deploy), and at least 3.5x faster than the faster
 * crammedBERT-3072 fp32 row with those threads. Absent where the run has no such rows.
 */
export function q8ModelTargets(rows: readonly Row[]): TargetCheck[] {
  const fff = rows.filter((r) => r.suite === 'model' && r.family === 'fff' && r.backend === ONNXRUNTIME_BACKEND && dtypeOf(r) === 'q8' && r.sequences === 8);
  return fff.flatMap((row) => {
    const out: TargetCheck[] = [];
    const name = row.name.replace('model ', '');
    const vsQ8 = row.speedup?.vs_onnxruntime_crammedbert_3072;
    const vsFp32 = row.speedup?.vs_onnxruntime_crammedbert_3072_fp32;
    const at = `${threadsText(row)}, ${callOf(row)}`;
    if (vsQ8 !== undefined)
      out.push({
        what: `${name} q8 vs the faster crammedBERT-3072 q8 row, ${at}`,
        value: vsQ8,
        target: Q8_MODEL_TARGETS.vsDenseQ8,
        met: vsQ8 >= Q8_MODEL_TARGETS.vsDenseQ8,
      });
    if (vsFp32 !== undefined)
      out.push({
        what: `${name} q8 vs the faster crammedBERT-3072 fp32 row, ${at}`,
        value: vsFp32,
        target: Q8_MODEL_TARGETS.vsDenseFp32,
        met: vsFp32 >= Q8_MODEL_TARGETS.vsDenseFp32,
      });
    return out;
  });
}

export interface LatencyEntry {
  dtype: ModelDtype;
  threads: number;
  parallelism: Row['parallelism'];
  call: string;
  fff: Row;
  dense: Row;
  /** Dense ms per call over UltraFastBERT's. */
  speedup: number;
}

/** One short sequence (1x16) on onnxruntime: each UltraFastBERT row's latency beside crammedBERT's with the same dtype, threads and parallelism. */
export function latencyEntries(rows: readonly Row[]): LatencyEntry[] {
  const short = rows.filter((r) => r.suite === 'model' && r.backend === ONNXRUNTIME_BACKEND && r.sequences === 1 && r.batch === 16);
  return short
    .filter((r) => r.family === 'fff')
    .flatMap((fff) => {
      const dense = short.find((d) => d.family === 'ff' && d.threads === fff.threads && d.parallelism === fff.parallelism && dtypeOf(d) === dtypeOf(fff));
      if (!dense) return [];
      return [
        {
          dtype: dtypeOf(fff),
          threads: threadsOf(fff),
          parallelism: fff.parallelism,
          call: callOf(fff),
          fff,
          dense,
          speedup: dense.median_ms_per_call / fff.median_ms_per_call,
        },
      ];
    });
}
