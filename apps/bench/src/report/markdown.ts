import {
  headlineEntries,
  headlineTargets,
  latencyEntries,
  levelEntries,
  levelLines,
  matchingConditional,
  modelEntries,
  PAPER_CPU_FIGURES,
  q8ModelTargets,
  type HeadlineEntry,
} from './headline.js';
import { dtypeOf, fastest, matchingDense, ONNXRUNTIME_BACKEND, threadsOf } from './speedups.js';
import type { BenchResult, Row, RowLevel } from './types.js';
import { browserSection } from './browser.js';

export interface ChartLinks {
  /** Chart file names with their alt text, in the order the report shows them. */
  charts?: ReadonlyArray<{ file: string; alt: string }>;
}

export function formatUs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function formatSpeedup(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
}

const formatPercent = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`);

const levelName = (level: RowLevel) => (typeof level === 'number' ? `level ${level}` : level);
const threadsLabel = (threads: number) => `${threads} thread${threads > 1 ? 's' : ''}`;

function cell(row: Row | undefined, wantedLevel?: RowLevel): string {
  if (!row) return '—';
  const substituted = wantedLevel !== undefined && row.level !== wantedLevel ? ` (${levelName(row.level)})` : '';
  return `${formatUs(row.median_us_per_token)}${substituted}`;
}

const spread = (r: Row) => `${formatUs(r.median_us_per_token)} (${formatUs(r.min_us_per_token)}–${formatUs(r.max_us_per_token)})`;

const ratio = (slow: Row | undefined, fast: Row | undefined) => (slow && fast ? slow.median_us_per_token / fast.median_us_per_token : undefined);

function table(header: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}

/** `wasm fused, 2 threads`: a level line's name, threads only where the backend has several. */
function lineName(backend: string, level: RowLevel, threads: number, multiThreaded: boolean): string {
  return `${backend} ${levelName(level)}${multiThreaded ? `, ${threadsLabel(threads)}` : ''}`;
}

function headlineSection(result: BenchResult, entries: readonly HeadlineEntry[]): string[] {
  const out: string[] = [];
  const peak = result.machine.multiply_add_peak_gflops;
  out.push('## Headline: fastest FFF-1x11 against onnxruntime dense FF, thread-matched', '');
  out.push(
    'µs per token, median (min–max). Each row gives both sides the same threads: onnxruntime-node with t intra-op threads against the fastest CPU kernel of @ufbert/cmm that uses at most t ' +
      '(the WASM kernels split a conditional call across threads from 16 tokens up, so at B = 1 the FFF side runs on one thread either way). ' +
      "The FLOP ratio is the dense layer's multiply-adds per token over FFF-1x11's (its 12 visited nodes): the speedup if both ran at the same FLOP rate. " +
      "The share is speedup / FLOP ratio, the part of the FLOP saving the measured times keep; the FFF kernel's GFLOP/s is set against the multiply-add peak of the threads its call ran on" +
      (peak ? ` (${peak} GFLOP/s per thread, ${result.machine.wasm_build ?? 'simd'} build).` : '.'),
    '',
  );
  for (const width of [...new Set(entries.map((e) => e.denseWidth))]) {
    const body = entries
      .filter((e) => e.denseWidth === width)
      .map((e) => [
        String(e.threads),
        String(e.batch),
        `${spread(e.fff)} [${e.fff.implementation}${e.fff.threads_used !== undefined && e.fff.threads_used !== e.fff.threads ? `, ran on ${e.fff.threads_used}` : ''}]`,
        spread(e.onnxruntime),
        `${formatSpeedup(e.speedup)}${e.speedup > e.flopRatio ? ' †' : ''}`,
        `${e.flopRatio.toFixed(0)}×`,
        formatPercent(e.shareOfFlopRatio),
        e.fffGflops.toFixed(1),
        formatPercent(e.fffPeakFraction),
      ]);
    out.push(
      table(
        [
          'threads',
          'B',
          'FFF-1x11 µs/token [kernel]',
          `onnxruntime FF-${width} µs/token`,
          'speedup',
          'FLOP ratio',
          'share of FLOP ratio',
          'FFF GFLOP/s',
          'of peak',
        ],
        body,
      ),
      '',
    );
  }
  if (entries.some((e) => e.speedup > e.flopRatio)) {
    out.push(
      '† Above the FLOP ratio: onnxruntime ran at a lower FLOP rate than the FFF kernel. At small B a dense layer is a matrix-vector product that reads all of its weights ' +
        '(9.4 MB for FF-3072) from memory for a handful of tokens, bound by memory bandwidth, while the FFF kernel reads 12 rows of each matrix, mostly from cache. ' +
        'A wide min–max range on the onnxruntime side means other load on the host: its threads wait for a busy core, and the FFF kernel, on one thread, is affected less.',
      '',
    );
  }
  out.push(`For reference, the paper's CPU figures: ${PAPER_CPU_FIGURES.map((f) => f.label.replace('paper, CPU: ', '')).join('; ')}.`, '');
  const targets = headlineTargets(entries);
  if (targets.length) {
    out.push('Targets (issue 18, this machine, one run):', '');
    for (const t of targets) out.push(`- ${t.what}: ${t.value.toFixed(1)}x (target >= ${t.target}x): ${t.met ? 'met' : 'NOT met'}`);
    out.push('');
  }
  return out;
}

function levelSection(rows: readonly Row[], batch: number): string[] {
  const entries = levelEntries(rows, batch);
  if (entries.length === 0) return [];
  const widths = [...new Set(entries.map((e) => e.denseWidth))].sort((a, b) => a - b);
  const multi = new Set(
    levelLines(rows)
      .filter((l) => l.threads > 1)
      .map((l) => l.backend),
  );
  const lines = levelLines(rows).filter((l) => entries.some((e) => e.backend === l.backend && e.level === l.level && e.threads === l.threads));
  let above = false;
  const body = lines.map(({ backend, level, threads }) => {
    const mine = entries.filter((e) => e.backend === backend && e.level === level && e.threads === threads);
    const fff = matchingConditional(rows, backend, level, batch, threads);
    return [
      lineName(backend, level, threads, multi.has(backend)),
      ...widths.map((w) => cell(mine.find((e) => e.denseWidth === w)?.dense, level)),
      cell(fff, level),
      ...widths.map((w) => {
        const e = mine.find((x) => x.denseWidth === w);
        if (!e) return '—';
        const mark = e.speedup > e.flopRatio ? ' †' : '';
        if (mark) above = true;
        return `${formatSpeedup(e.speedup)} (${formatPercent(e.shareOfFlopRatio)} of ${e.flopRatio.toFixed(0)}×)${mark}`;
      }),
    ];
  });
  const out = [`## The paper's level comparison: FF against FFF-1x11 by implementation level (B = ${batch})`, ''];
  out.push(
    "µs per token, median. As in the paper's table, FF at level L faces FFF at level L on the same backend and threads; where a backend has no kernel at a level, the highest level below it stands in, named in brackets " +
      '(FFF has no level 3: a conditional product is not a matrix-matrix product). These speedups are against our own dense kernels at the same level, many of them naive TypeScript: ' +
      'they show what conditional execution saves at each level, not how FFF compares with the strongest dense implementation (the headline above). ' +
      `Each speedup is also given as a share of the same FLOP ratio (${widths.map((w) => `FF-${w}: ${(w / 12).toFixed(0)}×`).join(', ')}).`,
    '',
  );
  out.push(table(['Implementation', ...widths.map((w) => `FF-${w}`), 'FFF-1x11', ...widths.map((w) => `speedup vs FF-${w} (share of FLOP ratio)`)], body), '');
  if (above) {
    out.push(
      '† Above the FLOP ratio: the dense kernel at that level ran at a lower FLOP rate than the FFF kernel. Levels 1 and 2 are matrix-vector products: per token they stream the whole ' +
        "weight matrices (9.4 MB for FF-3072, 12.6 MB for FF-4095, past this CPU's L2) from L3 or memory, while FFF-1x11 reads 12 rows of each, and the upper tree levels, shared by most tokens of a batch, " +
        'stay in cache. The dense kernel is then bound by memory bandwidth and the FFF kernel is not, so the time ratio exceeds the FLOP ratio. It is a cache effect, not more work saved than the FLOPs allow.',
      '',
    );
  }
  return out;
}

export function renderMarkdown(result: BenchResult, links: ChartLinks = {}): string {
  const { rows } = result;
  const out = machineSection(result);
  const entries = headlineEntries(result);
  if (entries.length) out.push(...headlineSection(result, entries));
  const kernelBatches = [...new Set(rows.filter((r) => r.suite === 'kernels').map((r) => r.batch))].sort((a, b) => a - b);
  const widths = [...new Set(rows.filter((r) => r.suite === 'kernels' && r.family === 'ff').map((r) => r.neurons))].sort((a, b) => a - b);
  if (kernelBatches.length) out.push(...kernelSections(rows, kernelBatches, widths));
  out.push(...depthSweepSection(rows, widths), ...trainingSection(rows), ...modelSection(rows));
  out.push(...browserSection(result.browser, result.browser_profile));
  out.push(...appendixSections(result, links));
  return out.join('\n');
}

/** The title and the machine, software and settings the numbers were taken on. */
function machineSection({ machine, settings, ...result }: BenchResult): string[] {
  const out: string[] = [];
  out.push(`# ufbert benchmark: ${result.mode} run, ${result.created_at}`, '');
  out.push(
    `- CPU: ${machine.cpu_model}, ${machine.cores} cores (available parallelism ${machine.available_parallelism}), ${machine.total_memory_gib} GiB`,
    `- Node ${machine.node_version} on ${machine.platform} ${machine.arch}`,
    ...(machine.wasm_build
      ? [`- @ufbert/cmm WASM build: ${machine.wasm_build}${machine.wasm_build === 'relaxed-simd' ? ' (f32x4.relaxed_madd)' : ' (multiply, then add)'}`]
      : []),
    ...(machine.multiply_add_peak_gflops !== undefined
      ? [
          `- Multiply-add peak: ${machine.multiply_add_peak_gflops} GFLOP/s per thread (f32x4 multiply-add chains in registers, no loads, in the ${machine.wasm_build} build)`,
        ]
      : []),
    `- WebGPU adapter: ${machine.webgpu_adapter}${machine.webgpu_reason ? ` (${machine.webgpu_reason})` : ''}`,
    ...(machine.simd_gflops_start !== undefined
      ? [
          `- Host speed: ${machine.simd_gflops_start} GFLOP/s of f32x4 multiply-add on one core at the start of the run, ${machine.simd_gflops_end} at the end (a cached dot loop; a figure well under the machine's usual one means other load on the host slowed this run)`,
        ]
      : []),
    ...(machine.wasm_threads
      ? [
          `- WASM kernel threads: ${machine.wasm_threads} of ${machine.wasm_threads_asked ?? machine.wasm_threads} (as the thread pool's calibration stood at the end of the run; conditional calls under 16 tokens run on one)`,
        ]
      : []),
    `- ${Object.entries(result.software)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `- H = O = ${settings.input_size}; about ${settings.budget_s} s per measurement; median of the samples, min and max beside it; run took ${result.duration_s} s`,
    '',
  );
  if (result.mode === 'smoke') out.push('> Smoke run: tiny H, a handful of calls. The numbers only prove the pipeline works.', '');
  return out;
}

/** The level comparison, the speedup by batch size and µs per token by batch size of the kernel suite. */
function kernelSections(rows: Row[], kernelBatches: number[], widths: number[]): string[] {
  const out: string[] = [];
  const batch = kernelBatches.includes(128) ? 128 : kernelBatches[kernelBatches.length - 1];
  out.push(...levelSection(rows, batch));

  if (widths.length) {
    const lines = levelLines(rows);
    const multi = new Set(lines.filter((l) => l.threads > 1).map((l) => l.backend));
    out.push(`## Speedup of FFF-1x11 over FF-${widths[0]} at the same level, by batch size`, '');
    const speedBody = lines.map(({ backend, level, threads }) => [
      lineName(backend, level, threads, multi.has(backend)),
      ...kernelBatches.map((b) =>
        formatSpeedup(ratio(matchingDense(rows, backend, level, b, widths[0], threads), matchingConditional(rows, backend, level, b, threads))),
      ),
    ]);
    out.push(table(['Implementation', ...kernelBatches.map((b) => `B=${b}`)], speedBody), '');
  }

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
          return r ? spread(r) : '—';
        }),
      ]),
    ),
    '',
  );
  return out;
}

/** The KxD sweep against the dense layer of about the same width. */
function depthSweepSection(rows: Row[], widths: number[]): string[] {
  const out: string[] = [];
  const sweep = rows.filter((r) => r.suite === 'depth-sweep');
  if (!sweep.length) return [];
  const impls = [...new Set(sweep.map((r) => r.implementation))];
  const configs = [...new Set(sweep.map((r) => r.name))];
  const batch = sweep[0].batch;
  const denseWidth = widths.includes(4095) ? 4095 : widths[0];
  out.push(`## KxD sweep (B = ${batch})`, '');
  out.push(
    `µs per token, median, and the speedup over FF-${denseWidth} at the matching level on the same backend and threads (every KxD here has 4064 to 4095 neurons).`,
    '',
  );
  const body = configs.map((name) => {
    const group = sweep.filter((r) => r.name === name);
    const cells = impls.map((impl) => {
      const r = group.find((g) => g.implementation === impl);
      if (!r) return '—';
      const dense = matchingDense(rows, r.backend, r.level, r.batch, denseWidth, threadsOf(r));
      return `${formatUs(r.median_us_per_token)} (${formatSpeedup(ratio(dense, r))})`;
    });
    return [name.replace('fff-', ''), String(group[0].neurons), ...cells];
  });
  out.push(table(['KxD', 'N', ...impls], body), '');
  return out;
}

/** One training step, forward and backward, against the masked oracle. */
function trainingSection(rows: Row[]): string[] {
  const out: string[] = [];
  const training = rows.filter((r) => r.suite === 'training');
  if (!training.length) return [];
  out.push(`## Training step, forward + backward (B = ${training[0].batch})`, '');
  out.push(
    table(
      ['Layer', 'Implementation', 'Backend', 'µs/token', 'ms/step', 'speedup vs masked oracle'],
      training.map((r) => [
        r.name,
        r.implementation,
        r.backend,
        formatUs(r.median_us_per_token),
        formatUs(r.median_ms_per_call),
        formatSpeedup(r.speedup?.vs_masked_oracle),
      ]),
    ),
    '',
  );
  return out;
}

/** The whole model on every runtime: the table, the non-FF check, the issue targets and short-sequence latency. */
function modelSection(rows: Row[]): string[] {
  const out: string[] = [];
  const model = modelEntries(rows);
  if (!model.length) return [];
  out.push('## Whole model', '');
  out.push(
    'The encoder (no MLM decoder) in eval mode, per token. tfjs rows: one sequence, with the feedforward share (the median of three profiled forward passes, tf.profile), the time outside the feedforward blocks (non-FF), ' +
      "and Amdahl's bound 1 / (1 - s) from crammedBERT's measured feedforward share s: the speedup a feedforward of zero cost would give. " +
      "The FF-predicted speedup is crammedBERT's time over its non-FF time plus UltraFastBERT's FF time: what the feedforward times alone explain. " +
      'A measured speedup above the bound means the two runs spent different times outside the feedforward blocks (the same attention code): run-to-run spread, shown by the two non-FF columns. ' +
      'onnxruntime rows: the same models exported by @ufbert/onnx (UltraFastBERT with its conditional FFF; crammedBERT dense) in onnxruntime-node, thread counts matched, ' +
      "in fp32 and in q8 (int8 weights; activations quantized per call, as onnxruntime's dynamic quantization and transformers.js's q8 models run), all of one thread count timed in alternating rounds. " +
      'Each model is compared with crammedBERT of the same dtype. ' +
      "The FLOP ratio is crammedBERT's FLOPs per token over this model's (FFF: visited nodes only); the speedups are measured medians of the same run.",
    '',
  );
  out.push(
    table(
      [
        'Model',
        'Backend',
        'dtype',
        'threads',
        'call',
        'µs/token (min–max)',
        'ms/call',
        'FF blocks µs/token',
        'non-FF µs/token',
        'FLOP ratio',
        'vs crammedBERT, same backend',
        'Amdahl bound',
        'FF-predicted',
        'vs crammedBERT on onnxruntime',
      ],
      model.map(({ row: r, dense, speedup, nonFfUsPerToken, amdahlBound, feedforwardPredicted }) => {
        const flopRatio =
          r.family === 'fff' && dense?.flops_per_token && r.flops_per_token ? `${(dense.flops_per_token / r.flops_per_token).toFixed(2)}x` : '—';
        const overBound = speedup !== undefined && amdahlBound !== undefined && speedup > amdahlBound ? ' (above the bound)' : '';
        return [
          r.name.replace('model ', ''),
          r.backend,
          dtypeOf(r),
          r.threads === undefined ? '—' : `${r.threads}${r.parallelism === 'sequences' ? ' (sequence-parallel)' : ''}`,
          `${r.sequences ?? 1}x${r.batch / (r.sequences ?? 1)}`,
          spread(r),
          formatUs(r.median_ms_per_call),
          r.ff_us_per_token === undefined ? '—' : formatUs(r.ff_us_per_token),
          nonFfUsPerToken === undefined ? '—' : formatUs(nonFfUsPerToken),
          flopRatio,
          `${formatSpeedup(speedup ?? r.speedup?.vs_crammedbert_3072)}${overBound}`,
          amdahlBound === undefined ? '—' : `${amdahlBound.toFixed(2)}×`,
          feedforwardPredicted === undefined ? '—' : `${feedforwardPredicted.toFixed(2)}×`,
          formatSpeedup(r.speedup?.vs_onnxruntime_crammedbert_3072),
        ];
      }),
    ),
    '',
  );
  for (const { row, dense, nonFfUsPerToken } of model) {
    const denseNonFf = dense?.ff_us_per_token !== undefined ? dense.median_us_per_token - dense.ff_us_per_token : undefined;
    if (nonFfUsPerToken === undefined || denseNonFf === undefined) continue;
    const apart = Math.abs(nonFfUsPerToken - denseNonFf) / Math.min(nonFfUsPerToken, denseNonFf);
    out.push(
      `- Non-FF time on ${row.backend}: ${row.name.replace('model ', '')} ${formatUs(nonFfUsPerToken)} µs/token, ${dense!.name.replace('model ', '')} ${formatUs(denseNonFf)}: ` +
        `${(apart * 100).toFixed(1)}% apart (the same attention stack; ${apart <= 0.05 ? 'within' : 'NOT within'} 5%).`,
    );
  }
  out.push('');
  const targets = [...modelTargets(model.map((m) => m.row)), ...inModelFeedforward(rows)];
  if (targets.length) out.push('Targets (issue 13):', '', ...targets.map((t) => `- ${t}`), '');
  const q8 = q8ModelTargets(rows);
  if (q8.length)
    out.push(
      'Targets (issue 25, int8):',
      '',
      ...q8.map((t) => `- ${t.what}: ${t.value.toFixed(2)}x (target >= ${t.target}x): ${t.met ? 'met' : 'NOT met'}`),
      '',
    );
  const latency = latencyEntries(rows);
  if (latency.length) {
    out.push(
      'Latency of one short sequence (1x16) on onnxruntime:',
      '',
      ...latency.map(
        (e) =>
          `- ${e.dtype}, ${e.threads} thread${e.threads === 1 ? '' : 's'}: ${e.fff.name.replace('model ', '')} ${e.fff.median_ms_per_call.toFixed(2)} ms, ` +
          `${e.dense.name.replace('model ', '')} ${e.dense.median_ms_per_call.toFixed(2)} ms (${e.speedup.toFixed(2)}x)`,
      ),
      '',
    );
  }
  return out;
}

/** Charts, notes, what was skipped and the output checks. */
function appendixSections(result: BenchResult, links: ChartLinks): string[] {
  const out: string[] = [];
  if (links.charts?.length) {
    out.push('## Charts', '');
    for (const { file, alt } of links.charts) out.push(`![${alt}](${file})`, '');
  }
  const notes = result.rows.filter((r) => r.note);
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
        result.checks.map((c) => [
          c.what,
          c.max_abs_diff === null ? 'NaN' : c.max_abs_diff.toExponential(2),
          c.tolerance.toExponential(2),
          c.ok ? 'yes' : 'NO',
        ]),
      ),
      '',
    );
  }
  return out;
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
 * The FFF blocks inside the model on tfjs against the kernel alone: the model row's
 * feedforward time per layer over the fastest kernel row of the same tree shape, batch,
 * backend and weight dtype (issue 13's target: within 2x, the rest being tfjs's copies and op overhead).
 */
export function inModelFeedforward(rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (row.suite !== 'model' || row.family !== 'fff' || !row.backend.startsWith('tfjs-') || row.ff_us_per_token === undefined || !row.layers) continue;
    const kernelBackend = row.backend === 'tfjs-webgpu' ? 'webgpu' : 'wasm';
    const kernel = fastest(
      rows.filter(
        (r) =>
          r.suite === 'kernels' &&
          r.family === 'fff' &&
          r.dtype === row.dtype &&
          r.backend === kernelBackend &&
          r.trees === row.trees &&
          r.depth === row.depth &&
          r.batch === row.batch &&
          r.input_size === row.input_size,
      ),
    );
    if (!kernel) continue;
    const perLayer = row.ff_us_per_token / row.layers;
    const warm = perLayer / kernel.median_us_per_token;
    const head = `FFF blocks inside ${row.name.replace('model ', '')} on ${row.backend}: ${formatUs(row.ff_us_per_token)} µs/token over ${row.layers} layers = ${perLayer.toFixed(2)} per layer`;
    const warmText = `the fastest kernel row (${kernel.implementation}, B=${kernel.batch}, one layer's weights, warm): ${kernel.median_us_per_token.toFixed(2)}, ${warm.toFixed(2)}x`;
    if (row.ff_kernel_us_per_token === undefined) {
      out.push(`${head}; ${warmText} (target <= 2x): ${warm <= 2 ? 'met' : 'NOT met'}`);
      continue;
    }
    // The target compares the blocks with the kernel's own time in the model: the same kernel
    // on the model's weights, layer after layer (cold), so what is left is tfjs's share.
    const own = row.ff_kernel_us_per_token / row.layers;
    const ratio = perLayer / own;
    out.push(
      `${head}; the layers' own kernel alone, layer after layer as in the model: ${own.toFixed(2)} per layer, ${ratio.toFixed(2)}x (target <= 2x): ${ratio <= 2 ? 'met' : 'NOT met'}; ${warmText}`,
    );
  }
  return out;
}

/**
 * The whole-model targets of issue 13, from this run's fp32 rows (q8 has its own, see
 * `q8ModelTargets`): UltraFastBERT on its fastest runtime at least 2x faster per token than
 * crammedBERT on onnxruntime with the same threads (8x128), and at least 10x faster than
 * UltraFastBERT on tfjs-wasm.
 */
export function modelTargets(model: readonly Row[]): string[] {
  const out: string[] = [];
  const fff = model.filter((r) => r.family === 'fff' && dtypeOf(r) === 'fp32');
  for (const row of fff.filter((r) => r.backend === ONNXRUNTIME_BACKEND && r.sequences === 8)) {
    const speedup = row.speedup?.vs_onnxruntime_crammedbert_3072;
    if (speedup === undefined) continue;
    out.push(
      `${row.name.replace('model ', '')}, ${row.threads} thread${row.threads === 1 ? '' : 's'}${row.parallelism === 'sequences' ? ' (sequence-parallel)' : ''}, 8x${row.batch / 8}: ${speedup.toFixed(2)}x the faster crammedBERT-3072 row on onnxruntime with ${row.threads === 1 ? 'that thread' : 'those threads'} (target >= 2x): ${speedup >= 2 ? 'met' : 'NOT met'}`,
    );
  }
  const tfjs = fff.find((r) => r.backend === 'tfjs-wasm');
  const best = [...fff].filter((r) => r.backend === ONNXRUNTIME_BACKEND).sort((a, b) => a.median_us_per_token - b.median_us_per_token)[0];
  if (tfjs && best) {
    const ratio = tfjs.median_us_per_token / best.median_us_per_token;
    out.push(
      `fastest UltraFastBERT row (${formatUs(best.median_us_per_token)} µs/token, onnxruntime ${best.threads} threads${best.parallelism === 'sequences' ? ' sequence-parallel' : ''}, ${best.sequences}x${best.batch / (best.sequences ?? 1)}) vs tfjs-wasm (${formatUs(tfjs.median_us_per_token)}): ${ratio.toFixed(1)}x (target >= 10x): ${ratio >= 10 ? 'met' : 'NOT met'}`,
    );
  }
  return out;
}
