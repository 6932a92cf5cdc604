import { describe, expect, it } from 'vitest';
import { encoderFlopsPerToken, feedforwardShare, isFeedforwardKernel } from '../suites/model.js';
import { modelTargets, renderMarkdown } from './markdown.js';
import { addSpeedups, matchingDense } from './speedups.js';
import { escapeXml, renderLineChart } from './svg.js';
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
  const rows = [dense('ts', 1, 1000), dense('ts', 2, 600), dense('ts', 3, 300), fff('ts', 1, 10), fff('ts', 2, 8), fff('ts', 'fused', 5), fff('wasm', 'fused', 2)];

  it('compares each FFF level with the highest dense level not above it on the same backend', () => {
    expect(matchingDense(rows, 'ts', 1, 128, 3072)?.level).toBe(1);
    expect(matchingDense(rows, 'ts', 2, 128, 3072)?.level).toBe(2);
    expect(matchingDense(rows, 'ts', 'fused', 128, 3072)?.level).toBe(3);
    expect(matchingDense(rows, 'wasm', 'fused', 128, 3072)).toBeUndefined();
  });

  it('fills speedup with dense time over FFF time, and vs the fastest onnxruntime row', () => {
    const withOrt = [
      ...rows.map((r) => ({ ...r })),
      row({ suite: 'external', name: 'onnxruntime ff-3072', family: 'ff', backend: 'onnxruntime-cpu', level: 'external', batch: 128, neurons: 3072, threads: 1, median_us_per_token: 100 }),
      row({ suite: 'external', name: 'onnxruntime ff-3072', family: 'ff', backend: 'onnxruntime-cpu', level: 'external', batch: 128, neurons: 3072, threads: 2, median_us_per_token: 60 }),
    ];
    addSpeedups(withOrt);
    const byImpl = (impl: string) => withOrt.find((r) => r.family === 'fff' && r.implementation === impl)!;
    expect(byImpl('ts/1').speedup).toEqual({ vs_ff_3072_same_level: 100, vs_onnxruntime_ff_3072: 6 });
    expect(byImpl('ts/fused').speedup?.vs_ff_3072_same_level).toBe(60);
    expect(byImpl('wasm/fused').speedup).toEqual({ vs_onnxruntime_ff_3072: 30 });
    expect(withOrt.find((r) => r.family === 'ff')?.speedup).toBeUndefined();
  });

  it('renders the paper-shaped table with substituted levels named', () => {
    const result: BenchResult = {
      schema_version: 1,
      created_at: '2025-01-01T00:00:00.000Z',
      mode: 'quick',
      duration_s: 1,
      machine: { cpu_model: 'cpu', cores: 2, available_parallelism: 2, total_memory_gib: 1, platform: 'linux', arch: 'x64', node_version: 'v20.0.0', webgpu_adapter: 'none' },
      software: {},
      settings: { input_size: 768, output_size: 768, batches: [128], sweep_batch: 128, training_batch: 128, budget_s: 1, model_tokens: 128, onnx_model_shapes: [[8, 128]], tfjs_backends: ['wasm'], onnxruntime_threads: [1], seed: 1 },
      rows,
      skipped: [{ what: 'x', reason: 'y' }],
      checks: [],
    };
    const md = renderMarkdown(result);
    expect(md).toContain('| ts level 1 | 1000 | 10.0 | 100× |');
    expect(md).toContain('| ts level 3 | 300 | 8.00 (level 2) | 38× |');
    expect(md).toContain('| ts fused | 300 (level 3) | 5.00 | 60× |');
    expect(md).toContain('| wasm fused | — | 2.00 | — |');
    expect(md).toContain('- x: y');
  });
});

describe('whole-model rows', () => {
  const model = (family: 'ff' | 'fff', backend: string, us: number, threads?: number, sequences = 8) =>
    row({ suite: 'model', name: family === 'ff' ? 'model crammedbert-3072' : 'model ultrafastbert-1x11', family, backend, level: 'model', batch: sequences * 128, neurons: family === 'ff' ? 3072 : 4095, median_us_per_token: us, threads, sequences });

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
    addSpeedups(rows);
    expect(rows[2].speedup).toEqual({ vs_crammedbert_3072: 2, vs_onnxruntime_crammedbert_3072: 2 });
    expect(rows[3].speedup).toEqual({ vs_crammedbert_3072: 2.4, vs_onnxruntime_crammedbert_3072: 2.4 });
    expect(rows[5].speedup).toEqual({ vs_crammedbert_3072: 2.4 });
    const targets = modelTargets(rows);
    expect(targets[0]).toMatch(/2 threads, 8x128: 2.00x crammedBERT-3072 on onnxruntime \(target >= 2x\): met/);
    expect(targets[1]).toMatch(/1 thread, 8x128: 2.40x .*met/);
    expect(targets[2]).toMatch(/vs tfjs-wasm \(5000\): 8.3x \(target >= 10x\): NOT met/);
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
    expect(isFeedforwardKernel(kernel('BatchMatMul', [[128, 768], [768, 3072]], [[128, 3072]], 1), 3072)).toBe(true);
    expect(isFeedforwardKernel(kernel('BatchMatMul', [[128, 768], [768, 2304]], [[128, 2304]], 1), 3072)).toBe(false);
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
        { label: 'one', points: [[1, 1], [10, 2], [100, 3]] },
        { label: 'two', points: [[1, 5]], dash: '2 3' },
      ],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(escapeXml('"x"')).toBe('&quot;x&quot;');
  });
});
