import { describe, expect, it } from 'vitest';
import { encoderFlopsPerToken, feedforwardShare, isFeedforwardKernel } from '../suites/model.js';
import { headlineEntries, headlineTargets, modelEntries, q8ModelTargets } from './headline.js';
import { inModelFeedforward, modelTargets, renderMarkdown } from './markdown.js';
import { addSpeedups, matchingDense } from './speedups.js';
import { buildSummary } from './summary.js';
import { ChartError, escapeXml, headlineChart, renderLineChart } from './svg.js';
import { validate } from '../schema/validate.js';
import { loadSummarySchema } from './write.js';
import type { BenchResult, Row, RowLevel } from './types.js';

function row(over: Partial<Row> & Pick<Row, 'suite' | 'name' | 'family' | 'backend' | 'level' | 'batch' | 'neurons' | 'median_us_per_token'>): Row {
  return {
    implementation: `${over.backend}/${over.level}`,
    input_size: 768,
    output_size: 768,
    min_us_per_token: over.median_us_per_token,
    max_us_per_token: over.median_us_per_token,
    median_ms_per_call: 1,
    tokens_per_second: 1,
    samples: 3,
    calls_per_sample: 1,
    warmup_calls: 1,
    ...over,
  };
}

const dense = (backend: string, level: RowLevel, us: number, neurons = 3072, batch = 128) =>
  row({ suite: 'kernels', name: `ff-${neurons}`, family: 'ff', backend, level, batch, neurons, median_us_per_token: us });
const fff = (backend: string, level: RowLevel, us: number, batch = 128) =>
  row({ suite: 'kernels', name: 'fff-1x11', family: 'fff', backend, level, batch, neurons: 4095, trees: 1, depth: 11, median_us_per_token: us });

describe('speedups', () => {
  const rows = [
    dense('ts', 1, 1000),
    dense('ts', 2, 600),
    dense('ts', 3, 300),
    fff('ts', 1, 10),
    fff('ts', 2, 8),
    fff('ts', 'fused', 5),
    fff('wasm', 'fused', 2),
  ];

  it('compares each FFF level with the highest dense level not above it on the same backend', () => {
    expect(matchingDense(rows, 'ts', 1, 128, 3072)?.level).toBe(1);
    expect(matchingDense(rows, 'ts', 2, 128, 3072)?.level).toBe(2);
    expect(matchingDense(rows, 'ts', 'fused', 128, 3072)?.level).toBe(3);
    expect(matchingDense(rows, 'wasm', 'fused', 128, 3072)).toBeUndefined();
  });

  it('fills speedup with dense time over FFF time, and vs the fastest onnxruntime row', () => {
    const withOrt = [
      ...rows.map((r) => ({ ...r })),
      row({
        suite: 'external',
        name: 'onnxruntime ff-3072',
        family: 'ff',
        backend: 'onnxruntime-cpu',
        level: 'external',
        batch: 128,
        neurons: 3072,
        threads: 1,
        median_us_per_token: 100,
      }),
      row({
        suite: 'external',
        name: 'onnxruntime ff-3072',
        family: 'ff',
        backend: 'onnxruntime-cpu',
        level: 'external',
        batch: 128,
        neurons: 3072,
        threads: 2,
        median_us_per_token: 60,
      }),
    ];
    addSpeedups(withOrt);
    const byImpl = (impl: string) => withOrt.find((r) => r.family === 'fff' && r.implementation === impl)!;
    expect(byImpl('ts/1').speedup).toEqual({ vs_ff_3072_same_level: 100, vs_onnxruntime_ff_3072: 6, vs_onnxruntime_ff_3072_same_threads: 10 });
    expect(byImpl('ts/fused').speedup?.vs_ff_3072_same_level).toBe(60);
    expect(byImpl('wasm/fused').speedup).toEqual({ vs_onnxruntime_ff_3072: 30, vs_onnxruntime_ff_3072_same_threads: 50 });
    expect(withOrt.find((r) => r.family === 'ff')?.speedup).toBeUndefined();
  });

  const result = (rows: Row[], machine: Partial<BenchResult['machine']> = {}): BenchResult => ({
    schema_version: 1,
    created_at: '2025-01-01T00:00:00.000Z',
    mode: 'quick',
    duration_s: 1,
    machine: {
      cpu_model: 'cpu',
      cores: 2,
      available_parallelism: 2,
      total_memory_gib: 1,
      platform: 'linux',
      arch: 'x64',
      node_version: 'v20.0.0',
      webgpu_adapter: 'none',
      ...machine,
    },
    software: {},
    settings: {
      input_size: 768,
      output_size: 768,
      batches: [128],
      sweep_batch: 128,
      training_batch: 128,
      budget_s: 1,
      model_tokens: 128,
      onnx_model_shapes: [[8, 128]],
      tfjs_backends: ['wasm'],
      onnxruntime_threads: [1],
      seed: 1,
    },
    rows,
    skipped: [{ what: 'x', reason: 'y' }],
    checks: [],
  });

  it("renders the paper's level table with substituted levels named and each speedup against the FLOP ratio", () => {
    const md = renderMarkdown(result([...rows, dense('ts', 1, 10, 3072, 1), fff('ts', 1, 0.01, 1)]));
    expect(md).toContain("## The paper's level comparison");
    expect(md).toContain('| ts level 1 | 1000 | 10.0 | 100× (39% of 256×) |');
    expect(md).toContain('| ts level 3 | 300 | 8.00 (level 2) | 38× (15% of 256×) |');
    expect(md).toContain('| ts fused | 300 (level 3) | 5.00 | 60× (23% of 256×) |');
    expect(md).not.toContain('| wasm fused | — | 2.00');
    expect(md).not.toContain('†');
    expect(md).toContain('- x: y');
  });

  it('marks a speedup above the FLOP ratio and explains it', () => {
    const md = renderMarkdown(result([dense('ts', 1, 5000), fff('ts', 1, 10)]));
    expect(md).toContain('| ts level 1 | 5000 | 10.0 | 500× (195% of 256×) † |');
    expect(md).toContain('† Above the FLOP ratio');
  });

  const ort = (threads: number, us: number, batch: number, spreadUs = 0) =>
    row({
      suite: 'external',
      name: 'onnxruntime ff-3072',
      family: 'ff',
      backend: 'onnxruntime-cpu',
      level: 'external',
      batch,
      neurons: 3072,
      threads,
      median_us_per_token: us,
      min_us_per_token: us - spreadUs,
      max_us_per_token: us + spreadUs,
    });
  const wasmFff = (threads: number, us: number, batch: number, used = threads) => ({
    ...fff('wasm', 'fused', us, batch),
    threads,
    threads_used: used,
    implementation: `ConditionalMatmul/wasm/fused, ${threads} threads`,
  });
  const matched = [
    ort(1, 300, 1),
    ort(2, 200, 1),
    ort(1, 100, 128, 10),
    ort(2, 60, 128),
    wasmFff(1, 2, 1),
    wasmFff(2, 2.5, 1, 1),
    wasmFff(1, 4, 128),
    wasmFff(2, 2, 128),
    fff('ts', 'fused', 50, 128),
    fff('ts', 'fused', 50, 1),
  ];

  it('sets the fastest FFF using at most t threads against onnxruntime with t threads, with FLOP ratio, share and peak fraction', () => {
    const entries = headlineEntries(result(matched, { multiply_add_peak_gflops: 50 }));
    const at = (threads: number, batch: number) => entries.find((e) => e.threads === threads && e.batch === batch)!;
    expect(at(1, 128).fff.threads).toBe(1);
    expect(at(1, 128).speedup).toBe(25);
    expect(at(2, 128).speedup).toBe(30);
    // at B = 1 the one-thread row is faster, and may stand in for two threads
    expect(at(2, 1).fff.threads).toBe(1);
    expect(at(2, 1).speedup).toBe(100);
    expect(at(2, 128).flopRatio).toBe(256);
    expect(at(2, 128).shareOfFlopRatio).toBeCloseTo(30 / 256, 10);
    // 12 nodes x 1536 multiply-adds x 2 flops in 2 µs = 18.4 GFLOP/s, on 2 threads of 50
    expect(at(2, 128).fffGflops).toBeCloseTo(18.432, 6);
    expect(at(2, 128).fffPeakFraction).toBeCloseTo(18.432 / 100, 6);
    expect(headlineTargets(entries)).toEqual([
      { what: 'FFF-1x11 vs onnxruntime FF-3072, B=128, 2 threads each', value: 30, target: 25, met: true },
      { what: 'FFF-1x11 vs onnxruntime FF-3072, B=1, 2 threads each', value: 100, target: 100, met: true },
    ]);
    const md = renderMarkdown(result(matched, { multiply_add_peak_gflops: 50 }));
    expect(md).toContain('## Headline: fastest FFF-1x11 against onnxruntime dense FF, thread-matched');
    expect(md).toContain('| 2 | 128 | 2.00 (2.00–2.00) [ConditionalMatmul/wasm/fused, 2 threads] | 60.0 (60.0–60.0) | 30× | 256× | 12% | 18.4 | 18% |');
    expect(md).toContain('B=1, 2 threads each: 100.0x (target >= 100x): met');
  });

  it('writes a summary that matches summary.schema.json', () => {
    const summary = buildSummary(result(matched, { multiply_add_peak_gflops: 50, wasm_build: 'relaxed-simd' }), 'bench.json');
    expect(validate(loadSummarySchema(), summary)).toEqual([]);
    expect(summary.headline).toHaveLength(4);
    expect(summary.machine.wasm_build).toBe('relaxed-simd');
    expect(summary.paper_cpu_reference.map((p) => p.speedup)).toEqual([78, 40]);
    const broken = { ...summary, headline: [{ ...summary.headline[0], speedup: -1 }] };
    expect(validate(loadSummarySchema(), broken).map((e) => e.path)).toContain('/headline/0/speedup');
  });

  it('charts the thread-matched speedup with min-max bars, the FLOP ratio and the paper figures as reference marks', () => {
    const [chart] = headlineChart(result(matched));
    expect(chart.name).toBe('headline');
    expect(chart.svg.match(/<polyline/g)).toHaveLength(2);
    expect(chart.svg).toContain('FLOP ratio, FF-3072 / FFF-1x11: 256x');
    expect(chart.svg).toContain('paper, CPU: 78x');
    expect(chart.svg).toContain('paper, CPU: 40x');
  });
});

const resultOf = (rows: Row[]): BenchResult => ({
  schema_version: 1,
  created_at: '2025-01-01T00:00:00.000Z',
  mode: 'quick',
  duration_s: 1,
  machine: {
    cpu_model: 'cpu',
    cores: 2,
    available_parallelism: 2,
    total_memory_gib: 1,
    platform: 'linux',
    arch: 'x64',
    node_version: 'v20.0.0',
    webgpu_adapter: 'none',
  },
  software: {},
  settings: {
    input_size: 768,
    output_size: 768,
    batches: [128],
    sweep_batch: 128,
    training_batch: 128,
    budget_s: 1,
    model_tokens: 128,
    onnx_model_shapes: [[8, 128]],
    tfjs_backends: ['wasm'],
    onnxruntime_threads: [1],
    seed: 1,
  },
  rows,
  skipped: [],
  checks: [],
});

describe('whole-model rows', () => {
  const model = (family: 'ff' | 'fff', backend: string, us: number, threads?: number, sequences = 8) =>
    row({
      suite: 'model',
      name: family === 'ff' ? 'model crammedbert-3072' : 'model ultrafastbert-1x11',
      family,
      backend,
      level: 'model',
      batch: sequences * 128,
      neurons: family === 'ff' ? 3072 : 4095,
      median_us_per_token: us,
      threads,
      sequences,
    });

  it('compares UltraFastBERT with crammedBERT at the same threads and call shape, on its own runtime and on onnxruntime', () => {
    const rows = [
      model('ff', 'onnxruntime-cpu', 1200, 2),
      model('ff', 'onnxruntime-cpu', 2400, 1),
      model('fff', 'onnxruntime-cpu', 600, 2),
      model('fff', 'onnxruntime-cpu', 1000, 1),
      model('ff', 'onnxruntime-cpu', 900, 2, 1),
      model('fff', 'tfjs-wasm', 5000, undefined, 1),
      model('ff', 'tfjs-wasm', 12000, undefined, 1),
    ];
    // Sequence-parallel rows: crammedBERT's is its faster 2-thread row, so it is every 2-thread row's baseline.
    const parallel = (family: 'ff' | 'fff', us: number) => ({ ...model(family, 'onnxruntime-cpu', us, 2), parallelism: 'sequences' as const });
    rows.push(parallel('ff', 1000), parallel('fff', 450));
    addSpeedups(rows);
    expect(rows[2].speedup).toEqual({ vs_crammedbert_3072: 2, vs_onnxruntime_crammedbert_3072: 1.667 });
    expect(rows[3].speedup).toEqual({ vs_crammedbert_3072: 2.4, vs_onnxruntime_crammedbert_3072: 2.4 });
    expect(rows[5].speedup).toEqual({ vs_crammedbert_3072: 2.4 });
    expect(rows[8].speedup).toEqual({ vs_crammedbert_3072: 2.222, vs_onnxruntime_crammedbert_3072: 2.222 });
    const targets = modelTargets(rows);
    expect(targets[0]).toMatch(/2 threads, 8x128: 1.67x the faster crammedBERT-3072 row on onnxruntime with those threads \(target >= 2x\): NOT met/);
    expect(targets[1]).toMatch(/1 thread, 8x128: 2.40x .*that thread .*met/);
    expect(targets[2]).toMatch(/2 threads \(sequence-parallel\), 8x128: 2.22x .*met/);
    expect(targets[3]).toMatch(/\(450 µs\/token, onnxruntime 2 threads sequence-parallel, 8x128\) vs tfjs-wasm \(5000\): 11.1x \(target >= 10x\): met/);
    const entries = modelEntries(rows);
    expect(entries[8].dense).toBe(rows[7]);
    expect(entries[2].dense).toBe(rows[0]);
  });

  it('compares q8 rows with crammedBERT q8 and fp32, prints a dtype column, the two int8 targets and the 1x16 latency, and summarises each row with its dtype', () => {
    const at = (
      family: 'ff' | 'fff',
      dtype: 'fp32' | 'q8',
      us: number,
      threads: number,
      sequences = 8,
      tokens = 128,
      parallelism: 'intra-op' | 'sequences' = 'intra-op',
    ) => ({
      ...model(family, 'onnxruntime-cpu', us, threads, sequences),
      batch: sequences * tokens,
      median_ms_per_call: (us * sequences * tokens) / 1000,
      dtype,
      parallelism,
    });
    const rows = [
      at('ff', 'fp32', 1425, 2),
      at('ff', 'q8', 854, 2),
      at('fff', 'fp32', 710, 2),
      at('fff', 'q8', 350, 2),
      at('ff', 'q8', 800, 2, 8, 128, 'sequences'),
      at('fff', 'q8', 400, 2, 8, 128, 'sequences'),
      at('ff', 'q8', 1531, 1),
      at('fff', 'q8', 795, 1),
      at('ff', 'fp32', 2694, 1),
      at('ff', 'q8', 500, 1, 1, 16),
      at('fff', 'q8', 200, 1, 1, 16),
      at('ff', 'fp32', 900, 1, 1, 16),
    ];
    addSpeedups(rows);
    // Against crammedBERT of its own dtype (the faster parallelism), and the q8 rows also against crammedBERT fp32.
    expect(rows[2].speedup).toEqual({ vs_crammedbert_3072: 2.007, vs_onnxruntime_crammedbert_3072: 2.007 });
    expect(rows[3].speedup).toEqual({ vs_crammedbert_3072: 2.44, vs_onnxruntime_crammedbert_3072: 2.286, vs_onnxruntime_crammedbert_3072_fp32: 4.071 });
    expect(rows[10].speedup).toEqual({ vs_crammedbert_3072: 2.5, vs_onnxruntime_crammedbert_3072: 2.5, vs_onnxruntime_crammedbert_3072_fp32: 4.5 });
    expect(modelEntries(rows)[3].dense).toBe(rows[1]);
    expect(modelEntries(rows)[2].dense).toBe(rows[0]);
    expect(q8ModelTargets(rows).map((t) => [t.what, t.value, t.target, t.met])).toEqual([
      ['ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 q8 row, 2 threads, 8x128', 2.286, 2.2, true],
      ['ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 fp32 row, 2 threads, 8x128', 4.071, 3.5, true],
      ['ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 q8 row, 2 threads (sequence-parallel), 8x128', 2, 2.2, false],
      ['ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 fp32 row, 2 threads (sequence-parallel), 8x128', 3.563, 3.5, true],
      ['ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 q8 row, 1 thread, 8x128', 1.926, 2.2, false],
      ['ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 fp32 row, 1 thread, 8x128', 3.389, 3.5, false],
    ]);
    // The issue-13 target stays the fp32 comparison: the one fp32 UltraFastBERT row at 8x128.
    expect(modelTargets(rows)).toEqual([
      'ultrafastbert-1x11, 2 threads, 8x128: 2.01x the faster crammedBERT-3072 row on onnxruntime with those threads (target >= 2x): met',
    ]);
    const md = renderMarkdown(resultOf(rows));
    expect(md).toContain('| Model | Backend | dtype | threads | call |');
    expect(md).toContain('| ultrafastbert-1x11 | onnxruntime-cpu | q8 | 2 | 8x128 |');
    expect(md).toContain('| crammedbert-3072 | onnxruntime-cpu | fp32 | 1 | 1x16 |');
    expect(md).toContain('Targets (issue 25, int8):');
    expect(md).toContain('- ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 q8 row, 2 threads, 8x128: 2.29x (target >= 2.2x): met');
    expect(md).toContain('- ultrafastbert-1x11 q8 vs the faster crammedBERT-3072 fp32 row, 1 thread, 8x128: 3.39x (target >= 3.5x): NOT met');
    expect(md).toContain('- q8, 1 thread: ultrafastbert-1x11 3.20 ms, crammedbert-3072 8.00 ms (2.50x)');
    const summary = buildSummary(resultOf(rows), 'bench.json');
    expect(validate(loadSummarySchema(), summary)).toEqual([]);
    expect(summary.models.map((m) => m.dtype)).toEqual(rows.map((r) => r.dtype));
    expect(summary.targets.filter((t) => t.what.includes(' q8 vs ')).map((t) => t.met)).toEqual([true, true, false, true, false, false]);
    expect(validate(loadSummarySchema(), { ...summary, models: [{ ...summary.models[0], dtype: 'int4' }] }).map((e) => e.path)).toEqual(['/models/0/dtype']);
  });

  it('sets the FFF blocks inside the tfjs model, per layer, against the fastest kernel of the same shape and batch', () => {
    const inModel = { ...model('fff', 'tfjs-wasm', 5000, undefined, 1), trees: 1, depth: 11, layers: 16, ff_us_per_token: 48 };
    const kernel = (us: number, threads: number, batch = 128, depth = 11) =>
      row({
        suite: 'kernels',
        name: 'fff-1x11',
        family: 'fff',
        backend: 'wasm',
        level: 'fused',
        batch,
        neurons: 4095,
        median_us_per_token: us,
        threads,
        trees: 1,
        depth,
        implementation: 'ConditionalMatmul/wasm/fused',
      });
    // The 2-thread row is the fastest at B=128; other batches and shapes are not compared.
    const lines = inModelFeedforward([inModel, kernel(2.5, 1), kernel(1.6, 2), kernel(0.5, 2, 1024), kernel(0.1, 2, 128, 7)]);
    expect(lines).toEqual([
      "FFF blocks inside ultrafastbert-1x11 on tfjs-wasm: 48.0 µs/token over 16 layers = 3.00 per layer; the fastest kernel row (ConditionalMatmul/wasm/fused, B=128, one layer's weights, warm): 1.60, 1.88x (target <= 2x): met",
    ]);
    expect(inModelFeedforward([{ ...inModel, ff_us_per_token: 64 }, kernel(1.6, 2)])[0]).toMatch(/2.50x \(target <= 2x\): NOT met$/);
    // With the layers' own kernel timed on the model's weights, the target is set against that.
    const own = inModelFeedforward([{ ...inModel, ff_us_per_token: 64, ff_kernel_us_per_token: 40 }, kernel(1.6, 2)])[0];
    expect(own).toContain("the layers' own kernel alone, layer after layer as in the model: 2.50 per layer, 1.60x (target <= 2x): met; the fastest kernel row");
    expect(own).toMatch(/warm\): 1.60, 2.50x$/);
    expect(inModelFeedforward([inModel])).toEqual([]);
  });

  it("gives each tfjs row its non-FF time and Amdahl's bound from crammedBERT's feedforward share", () => {
    const ff = { ...model('ff', 'tfjs-wasm', 1000, undefined, 1), ff_share: 0.5, ff_us_per_token: 500 };
    const fffRow = { ...model('fff', 'tfjs-wasm', 400, undefined, 1), ff_share: 0.1, ff_us_per_token: 40 };
    const [denseEntry, fffEntry] = modelEntries([ff, fffRow]);
    expect(denseEntry.nonFfUsPerToken).toBe(500);
    expect(denseEntry.amdahlBound).toBeUndefined();
    expect(fffEntry.nonFfUsPerToken).toBe(360);
    expect(fffEntry.speedup).toBe(2.5);
    expect(fffEntry.amdahlBound).toBe(2);
    expect(fffEntry.feedforwardPredicted).toBeCloseTo(1000 / 540, 10);
    const md = renderMarkdown({ ...resultOf([ff, fffRow]) });
    expect(md).toContain('2.5× (above the bound) | 2.00× | 1.85× |');
    expect(md).toContain('ultrafastbert-1x11 360 µs/token, crammedbert-3072 500: 38.9% apart (the same attention stack; NOT within 5%)');
  });

  it('counts FLOPs per token of the visited nodes only', async () => {
    const { presetConfig } = await import('@ufbert/crammed-bert');
    const dense = encoderFlopsPerToken(presetConfig('crammedBERT-3072'), 128);
    const fff = encoderFlopsPerToken(presetConfig('UltraFastBERT-1x11'), 128);
    expect(dense).toBe(16 * (2 * 768 * 2304 + 2 * 768 * 768 + 4 * 128 * 768 + 4 * 768 * 3072));
    expect(dense / fff).toBeCloseTo(2.8, 1);
  });
});

describe('feedforward share of a profiled model', () => {
  const kernel = (name: string, inputShapes: number[][], outputShapes: number[][], kernelTimeMs: number) => ({ name, inputShapes, outputShapes, kernelTimeMs });

  it('counts the FFF ops and the kernels touching the feedforward width', () => {
    expect(isFeedforwardKernel(kernel('UfbertFFFInfer', [[128, 768]], [[128, 768]], 1), 4095)).toBe(true);
    expect(
      isFeedforwardKernel(
        kernel(
          'BatchMatMul',
          [
            [128, 768],
            [768, 3072],
          ],
          [[128, 3072]],
          1,
        ),
        3072,
      ),
    ).toBe(true);
    expect(
      isFeedforwardKernel(
        kernel(
          'BatchMatMul',
          [
            [128, 768],
            [768, 2304],
          ],
          [[128, 2304]],
          1,
        ),
        3072,
      ),
    ).toBe(false);
    expect(isFeedforwardKernel(kernel('Add', [[3072]], [[3072]], 1), 3072)).toBe(false);
  });

  it('divides feedforward kernel time by all kernel time', () => {
    const kernels = [kernel('BatchMatMul', [[1, 3072]], [[1, 768]], 3), kernel('Softmax', [[12, 128, 128]], [[12, 128, 128]], 1)];
    expect(feedforwardShare(kernels, 3072)).toBe(0.75);
    expect(feedforwardShare([], 3072)).toBe(0);
  });
});

describe('renderLineChart', () => {
  it('draws one polyline per series with more than one point, and escapes text', () => {
    const svg = renderLineChart({
      title: 'a < b & c',
      x: { label: 'x', log: true },
      y: { label: 'y', log: false },
      series: [
        {
          label: 'one',
          points: [
            [1, 1],
            [10, 2],
            [100, 3],
          ],
        },
        { label: 'two', points: [[1, 5]], dash: '2 3' },
      ],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(escapeXml('"x"')).toBe('&quot;x&quot;');
  });

  it('draws min-max bars and labelled reference lines, and refuses more than six series', () => {
    const svg = renderLineChart({
      title: 't',
      x: { label: 'x', log: true },
      y: { label: 'y', log: true },
      series: [
        {
          label: 'one',
          points: [
            [1, 2],
            [10, 3],
          ],
          ranges: [
            [1, 1.5, 2.5],
            [10, 2, 4],
          ],
        },
      ],
      references: [{ y: 78, label: 'paper 78x' }],
    });
    // two bars of three lines each, the reference line, the legend line
    expect(svg.match(/<line x1="[\d.]+" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" stroke="#000000" stroke-width="1"\/>/g)).toHaveLength(6);
    expect(svg).toContain('paper 78x');
    const seven = Array.from({ length: 7 }, (_, i) => ({ label: String(i), points: [[1, 1]] as Array<[number, number]> }));
    expect(() => renderLineChart({ title: 'crowded', x: { label: 'x', log: false }, y: { label: 'y', log: false }, series: seven })).toThrow(ChartError);
  });
});
