import { fastest, levelRank, matchingDense, ONNXRUNTIME_BACKEND } from './speedups.js';
import type { BenchResult, Row, RowLevel } from './types.js';

export interface ChartLinks {
  batch?: string;
  depth?: string;
}

const BACKEND_ORDER = ['ts', 'wasm', 'webgpu'];

export function formatUs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function formatSpeedup(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
}

const levelName = (level: RowLevel) => (typeof level === 'number' ? `level ${level}` : level);

function cell(row: Row | undefined, wantedLevel?: RowLevel): string {
  if (!row) return '—';
  const substituted = wantedLevel !== undefined && row.level !== wantedLevel ? ` (${levelName(row.level)})` : '';
  return `${formatUs(row.median_us_per_token)}${substituted}`;
}

const ratio = (slow: Row | undefined, fast: Row | undefined) => (slow && fast ? slow.median_us_per_token / fast.median_us_per_token : undefined);

interface LevelLine {
  backend: string;
  level: RowLevel;
}

/** The (backend, level) pairs of the kernel rows, in the paper's order: level 1, 2, 3, fused per backend. */
function levelLines(rows: readonly Row[]): LevelLine[] {
  const kernelRows = rows.filter((r) => r.suite === 'kernels');
  const backends = [...new Set(kernelRows.map((r) => r.backend))].sort((a, b) => rankOf(a) - rankOf(b));
  const lines: LevelLine[] = [];
  for (const backend of backends) {
    const levels = [...new Set(kernelRows.filter((r) => r.backend === backend).map((r) => r.level))].sort((a, b) => levelRank(a) - levelRank(b));
    for (const level of levels) lines.push({ backend, level });
  }
  return lines;
}

function rankOf(backend: string): number {
  const i = BACKEND_ORDER.indexOf(backend);
  return i < 0 ? BACKEND_ORDER.length : i;
}

/** The conditional kernel row for a level line: that level, or the highest below it (there is no level-3 CMM). */
function matchingConditional(rows: readonly Row[], backend: string, level: RowLevel, batch: number): Row | undefined {
  return rows
    .filter((r) => r.suite === 'kernels' && r.family === 'fff' && r.backend === backend && r.batch === batch && levelRank(r.level) <= levelRank(level))
    .sort((a, b) => levelRank(b.level) - levelRank(a.level))[0];
}

function table(header: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

export function renderMarkdown(result: BenchResult, charts: ChartLinks = {}): string {
  const { rows, machine, settings } = result;
  const out: string[] = [];
  out.push(`# ufbert benchmark: ${result.mode} run, ${result.created_at}`, '');
  out.push(
    `- CPU: ${machine.cpu_model}, ${machine.cores} cores (available parallelism ${machine.available_parallelism}), ${machine.total_memory_gib} GiB`,
    `- Node ${machine.node_version} on ${machine.platform} ${machine.arch}`,
    `- WebGPU adapter: ${machine.webgpu_adapter}${machine.webgpu_reason ? ` (${machine.webgpu_reason})` : ''}`,
    ...(machine.simd_gflops_start !== undefined
      ? [`- Host speed: ${machine.simd_gflops_start} GFLOP/s of f32x4 multiply-add on one core at the start of the run, ${machine.simd_gflops_end} at the end (a cached dot loop; a figure well under the machine's usual one means other load on the host slowed this run)`]
      : []),
    ...(machine.wasm_threads ? [`- WASM kernel threads: ${machine.wasm_threads} of ${machine.wasm_threads_asked ?? machine.wasm_threads} (as the thread pool's calibration stood at the end of the run; conditional calls under 16 tokens run on one)`] : []),
    `- ${Object.entries(result.software)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `- H = O = ${settings.input_size}; about ${settings.budget_s} s per measurement; median of the samples, min and max beside it; run took ${result.duration_s} s`,
    '',
  );
  if (result.mode === 'smoke') out.push('> Smoke run: tiny H, a handful of calls. The numbers only prove the pipeline works.', '');

  const kernelBatches = [...new Set(rows.filter((r) => r.suite === 'kernels').map((r) => r.batch))].sort((a, b) => a - b);
  const widths = [...new Set(rows.filter((r) => (r.suite === 'kernels' || r.suite === 'external') && r.family === 'ff').map((r) => r.neurons))].sort((a, b) => a - b);
  const lines = levelLines(rows);
  const externalThreads = [...new Set(rows.filter((r) => r.suite === 'external').map((r) => r.threads ?? 1))].sort((a, b) => a - b);

  if (kernelBatches.length) {
    const batch = kernelBatches.includes(128) ? 128 : kernelBatches[kernelBatches.length - 1];
    out.push(`## FF against FFF-1x11 by implementation level (B = ${batch})`, '');
    out.push(
      'µs per token, median. Rows are implementation levels as in the paper: FF at level L against FFF at level L; ' +
        'where a backend has no kernel at that level the highest level below it stands in, named in brackets ' +
        '(FFF has no level 3: a conditional product is not a matrix-matrix product). ' +
        'The onnxruntime rows set the strongest dense implementation a Node user can pick against the fastest FFF kernel.',
      '',
    );
    const bestFff = fastest(rows.filter((r) => r.suite === 'kernels' && r.family === 'fff' && r.batch === batch));
    const body = lines.map(({ backend, level }) => {
      const fff = matchingConditional(rows, backend, level, batch);
      const ffs = widths.map((w) => matchingDense(rows, backend, level, batch, w));
      return [`${backend} ${levelName(level)}`, ...ffs.map((r) => cell(r, level)), cell(fff, level), ...ffs.map((r) => formatSpeedup(ratio(r, fff)))];
    });
    for (const threads of externalThreads) {
      const ffs = widths.map((w) => rows.find((r) => r.suite === 'external' && r.neurons === w && r.batch === batch && (r.threads ?? 1) === threads));
      body.push([
        `onnxruntime-node, ${threads} thread${threads > 1 ? 's' : ''} (FFF: ${bestFff?.implementation ?? 'none'})`,
        ...ffs.map((r) => cell(r)),
        cell(bestFff),
        ...ffs.map((r) => formatSpeedup(ratio(r, bestFff))),
      ]);
    }
    out.push(table(['Implementation', ...widths.map((w) => `FF-${w}`), 'FFF-1x11', ...widths.map((w) => `speedup vs FF-${w}`)], body), '');

    out.push(`## Speedup of FFF-1x11 over FF-${widths[0]} by batch size`, '');
    const speedBody = lines.map(({ backend, level }) => [
      `${backend} ${levelName(level)}`,
      ...kernelBatches.map((b) => formatSpeedup(ratio(matchingDense(rows, backend, level, b, widths[0]), matchingConditional(rows, backend, level, b)))),
    ]);
    for (const threads of externalThreads) {
      speedBody.push([
        `onnxruntime-node, ${threads} thread${threads > 1 ? 's' : ''} vs fastest FFF`,
        ...kernelBatches.map((b) =>
          formatSpeedup(
            ratio(
              rows.find((r) => r.suite === 'external' && r.neurons === widths[0] && r.batch === b && (r.threads ?? 1) === threads),
              fastest(rows.filter((r) => r.suite === 'kernels' && r.family === 'fff' && r.batch === b)),
            ),
          ),
        ),
      ]);
    }
    out.push(table(['Implementation', ...kernelBatches.map((b) => `B=${b}`)], speedBody), '');

    out.push('## µs per token by batch size', '');
    const perBatch = groupBy(
      rows.filter((r) => r.suite === 'kernels' || r.suite === 'external'),
      (r) => `${r.name}\u0000${r.implementation}`,
    );
    out.push(
      table(
        ['Layer', 'Implementation', ...kernelBatches.map((b) => `B=${b}`)],
        [...perBatch.values()].map((group) => [
          group[0].name,
          group[0].implementation,
          ...kernelBatches.map((b) => {
            const r = group.find((g) => g.batch === b);
            return r ? `${formatUs(r.median_us_per_token)} (${formatUs(r.min_us_per_token)}–${formatUs(r.max_us_per_token)})` : '—';
          }),
        ]),
      ),
      '',
    );
  }

  const sweep = rows.filter((r) => r.suite === 'depth-sweep');
  if (sweep.length) {
    const impls = [...new Set(sweep.map((r) => r.implementation))];
    const configs = [...new Set(sweep.map((r) => r.name))];
    const batch = sweep[0].batch;
    const denseWidth = widths.includes(4095) ? 4095 : widths[0];
    out.push(`## KxD sweep (B = ${batch})`, '');
    out.push(`µs per token, median, and the speedup over FF-${denseWidth} at the matching level on the same backend (every KxD here has 4064 to 4095 neurons).`, '');
    const body = configs.map((name) => {
      const group = sweep.filter((r) => r.name === name);
      const cells = impls.map((impl) => {
        const r = group.find((g) => g.implementation === impl);
        if (!r) return '—';
        const dense = matchingDense(rows, r.backend, r.level, r.batch, denseWidth);
        return `${formatUs(r.median_us_per_token)} (${formatSpeedup(ratio(dense, r))})`;
      });
      return [name.replace('fff-', ''), String(group[0].neurons), ...cells];
    });
    out.push(table(['KxD', 'N', ...impls], body), '');
  }

  const training = rows.filter((r) => r.suite === 'training');
  if (training.length) {
    out.push(`## Training step, forward + backward (B = ${training[0].batch})`, '');
    out.push(
      table(
        ['Layer', 'Implementation', 'Backend', 'µs/token', 'ms/step', 'speedup vs masked oracle'],
        training.map((r) => [r.name, r.implementation, r.backend, formatUs(r.median_us_per_token), formatUs(r.median_ms_per_call), formatSpeedup(r.speedup?.vs_masked_oracle)]),
      ),
      '',
    );
  }

  const model = rows.filter((r) => r.suite === 'model');
  if (model.length) {
    out.push('## Whole model', '');
    out.push(
      'The encoder (no MLM decoder) in eval mode, per token. tfjs rows: one sequence, with the feedforward share from one profiled forward pass (tf.profile). onnxruntime rows: the same models exported by @ufbert/onnx (UltraFastBERT with its conditional FFF; crammedBERT dense) in onnxruntime-node, thread counts matched. The FLOP ratio is crammedBERT\'s FLOPs per token over this model\'s (FFF: visited nodes only); the speedups are measured medians of the same run.',
      '',
    );
    out.push(
      table(
        ['Model', 'Backend', 'threads', 'call', 'µs/token', 'ms/call', 'FF blocks µs/token', 'FLOP ratio', 'vs crammedBERT, same backend', 'vs crammedBERT on onnxruntime'],
        model.map((r) => {
          const dense = model.find((d) => d.family === 'ff' && d.backend === r.backend && d.batch === r.batch && d.sequences === r.sequences && d.threads === r.threads);
          const flopRatio = r.family === 'fff' && dense?.flops_per_token && r.flops_per_token ? `${(dense.flops_per_token / r.flops_per_token).toFixed(2)}x` : '—';
          return [
            r.name.replace('model ', ''),
            r.backend,
            r.threads === undefined ? '—' : String(r.threads),
            `${r.sequences ?? 1}x${r.batch / (r.sequences ?? 1)}`,
            formatUs(r.median_us_per_token),
            formatUs(r.median_ms_per_call),
            r.ff_us_per_token === undefined ? '—' : formatUs(r.ff_us_per_token),
            flopRatio,
            formatSpeedup(r.speedup?.vs_crammedbert_3072),
            formatSpeedup(r.speedup?.vs_onnxruntime_crammedbert_3072),
          ];
        }),
      ),
      '',
    );
    const targets = modelTargets(model);
    if (targets.length) out.push('Targets (issue 13):', '', ...targets.map((t) => `- ${t}`), '');
  }

  if (charts.batch || charts.depth) {
    out.push('## Charts', '');
    if (charts.batch) out.push(`![µs per token against batch size](${charts.batch})`, '');
    if (charts.depth) out.push(`![speedup against depth](${charts.depth})`, '');
  }

  const notes = rows.filter((r) => r.note);
  if (notes.length) {
    out.push('## Notes', '');
    for (const r of notes) out.push(`- ${r.name}, ${r.implementation}, B=${r.batch}: ${r.note}`);
    out.push('');
  }
  if (result.skipped.length) {
    out.push('## Skipped', '');
    for (const s of result.skipped) out.push(`- ${s.what}: ${s.reason}`);
    out.push('');
  }
  if (result.checks.length) {
    out.push('## Output checks', '');
    out.push(
      table(
        ['Compared', 'max abs diff', 'tolerance', 'ok'],
        result.checks.map((c) => [c.what, c.max_abs_diff === null ? 'NaN' : c.max_abs_diff.toExponential(2), c.tolerance.toExponential(2), c.ok ? 'yes' : 'NO']),
      ),
      '',
    );
  }
  return out.join('\n');
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * The whole-model targets, from this run's rows: UltraFastBERT on its fastest runtime at
 * least 2x faster per token than crammedBERT on onnxruntime with the same threads (8x128),
 * and at least 10x faster than UltraFastBERT on tfjs-wasm.
 */
export function modelTargets(model: readonly Row[]): string[] {
  const out: string[] = [];
  const fff = model.filter((r) => r.family === 'fff');
  for (const row of fff.filter((r) => r.backend === ONNXRUNTIME_BACKEND && r.sequences === 8)) {
    const speedup = row.speedup?.vs_onnxruntime_crammedbert_3072;
    if (speedup === undefined) continue;
    out.push(`${row.name.replace('model ', '')}, ${row.threads} thread${row.threads === 1 ? '' : 's'}, 8x${row.batch / 8}: ${speedup.toFixed(2)}x crammedBERT-3072 on onnxruntime (target >= 2x): ${speedup >= 2 ? 'met' : 'NOT met'}`);
  }
  const tfjs = fff.find((r) => r.backend === 'tfjs-wasm');
  const best = [...fff].filter((r) => r.backend === ONNXRUNTIME_BACKEND).sort((a, b) => a.median_us_per_token - b.median_us_per_token)[0];
  if (tfjs && best) {
    const ratio = tfjs.median_us_per_token / best.median_us_per_token;
    out.push(`fastest UltraFastBERT row (${formatUs(best.median_us_per_token)} µs/token, onnxruntime ${best.threads} threads, ${best.sequences}x${best.batch / (best.sequences ?? 1)}) vs tfjs-wasm (${formatUs(tfjs.median_us_per_token)}): ${ratio.toFixed(1)}x (target >= 10x): ${ratio >= 10 ? 'met' : 'NOT met'}`);
  }
  return out;
}
