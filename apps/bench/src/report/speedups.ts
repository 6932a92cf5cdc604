import type { ModelDtype, Row, RowLevel, Speedups } from './types.js';

/** The backend name of onnxruntime-node rows. */
export const ONNXRUNTIME_BACKEND = 'onnxruntime-cpu';

/** 1, 2, 3, fused in the order of the paper's table; other levels sort after. */
export function levelRank(level: RowLevel): number {
  return level === 'fused' ? 4 : typeof level === 'number' ? level : 5;
}

const isKernelLevel = (level: RowLevel): boolean => levelRank(level) <= 4;

/** A model row's weight precision; rows without the field ran float32. */
export const dtypeOf = (row: Row): ModelDtype => row.dtype ?? 'fp32';

/** Threads a row's call could use; rows without the field (TypeScript kernels, webgpu) count as one. */
export const threadsOf = (row: Row): number => row.threads ?? 1;

/**
 * The dense kernel row a conditional kernel at `level` is compared with: the same
 * backend, threads and batch, the highest dense level not above it (FFF level 1 against
 * FF level 1, level 2 against 2, fused against the fused dense kernel or else level 3).
 */
export function matchingDense(rows: readonly Row[], backend: string, level: RowLevel, batch: number, neurons: number, threads = 1): Row | undefined {
  const rank = levelRank(level);
  return rows
    .filter(
      (r) =>
        r.suite === 'kernels' &&
        r.family === 'ff' &&
        r.backend === backend &&
        r.batch === batch &&
        r.neurons === neurons &&
        threadsOf(r) === threads &&
        levelRank(r.level) <= rank,
    )
    .sort((a, b) => levelRank(b.level) - levelRank(a.level))[0];
}

/** The onnxruntime row of this width and batch at this intra-op thread count. */
export function externalWithThreads(rows: readonly Row[], neurons: number, batch: number, threads: number): Row | undefined {
  return rows.find((r) => r.suite === 'external' && r.neurons === neurons && r.batch === batch && threadsOf(r) === threads);
}

/** The fastest onnxruntime row of this width and batch, over thread counts. */
export function fastestExternal(rows: readonly Row[], neurons: number, batch: number): Row | undefined {
  return fastest(rows.filter((r) => r.suite === 'external' && r.neurons === neurons && r.batch === batch));
}

export function fastest(rows: readonly Row[]): Row | undefined {
  return [...rows].sort((a, b) => a.median_us_per_token - b.median_us_per_token)[0];
}

const ratio = (slow: Row | undefined, row: Row) => (slow ? Number((slow.median_us_per_token / row.median_us_per_token).toPrecision(4)) : undefined);

/** Fills `speedup` of every FFF row from the dense rows of the same run (larger is better for FFF). */
export function addSpeedups(rows: Row[]): void {
  for (const row of rows) {
    const s: Speedups = {};
    if (row.family === 'fff' && (row.suite === 'kernels' || row.suite === 'depth-sweep') && isKernelLevel(row.level)) {
      s.vs_ff_3072_same_level = ratio(matchingDense(rows, row.backend, row.level, row.batch, 3072, threadsOf(row)), row);
      s.vs_ff_4095_same_level = ratio(matchingDense(rows, row.backend, row.level, row.batch, 4095, threadsOf(row)), row);
      s.vs_onnxruntime_ff_3072 = ratio(fastestExternal(rows, 3072, row.batch), row);
      s.vs_onnxruntime_ff_4095 = ratio(fastestExternal(rows, 4095, row.batch), row);
      if (row.backend !== 'webgpu') {
        s.vs_onnxruntime_ff_3072_same_threads = ratio(externalWithThreads(rows, 3072, row.batch, threadsOf(row)), row);
        s.vs_onnxruntime_ff_4095_same_threads = ratio(externalWithThreads(rows, 4095, row.batch, threadsOf(row)), row);
      }
    }
    if (row.suite === 'training' && row.family === 'fff' && !row.name.endsWith('masked-oracle')) {
      s.vs_masked_oracle = ratio(fastest(rows.filter((r) => r.suite === 'training' && r.name.endsWith('masked-oracle') && r.batch === row.batch)), row);
    }
    if (row.suite === 'model' && row.family === 'fff') {
      const dense = (backend: string, dtype: ModelDtype) =>
        rows.filter(
          (r) =>
            r.suite === 'model' &&
            r.family === 'ff' &&
            r.backend === backend &&
            r.batch === row.batch &&
            r.sequences === row.sequences &&
            r.threads === row.threads &&
            dtypeOf(r) === dtype,
        );
      s.vs_crammedbert_3072 = ratio(
        dense(row.backend, dtypeOf(row)).find((r) => r.parallelism === row.parallelism),
        row,
      );
      // Against the strongest dense alternative with these threads and weights: whichever parallelism ran faster.
      s.vs_onnxruntime_crammedbert_3072 = ratio(fastest(dense(ONNXRUNTIME_BACKEND, dtypeOf(row))), row);
      if (dtypeOf(row) === 'q8') s.vs_onnxruntime_crammedbert_3072_fp32 = ratio(fastest(dense(ONNXRUNTIME_BACKEND, 'fp32')), row);
    }
    const present = Object.entries(s).filter(([, v]) => v !== undefined);
    if (present.length) row.speedup = Object.fromEntries(present) as Speedups;
  }
}
