import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modeDefaults } from './options.js';
import type { BenchResult } from './report/types.js';
import { loadSchema, loadSummarySchema } from './report/write.js';
import { runBench, type BenchRun } from './run.js';
import { validate } from './schema/validate.js';

/** One --smoke run (tiny H, a few calls per row) shared by the assertions below. */
describe('a smoke run', () => {
  let outDir: string;
  let run: BenchRun;
  let written: BenchResult;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'ufbert-bench-'));
    run = await runBench(modeDefaults('smoke', outDir));
    written = JSON.parse(readFileSync(run.files.json, 'utf8')) as BenchResult;
  }, 120_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes a JSON file that conforms to results.schema.json', () => {
    expect(run.failures).toEqual([]);
    expect(run.files.json.startsWith(join(outDir, 'bench-smoke-'))).toBe(true);
    expect(validate(loadSchema(), written)).toEqual([]);
    expect(written).toEqual(JSON.parse(JSON.stringify(run.result)));
  });

  it('has the contract fields: FFF-1x11 rows, onnxruntime rows, per-token timings', () => {
    const fff = written.rows.filter((r) => r.name.includes('fff') && r.name.includes('1x11'));
    const ort = written.rows.filter((r) => r.name.includes('onnxruntime'));
    expect(fff.length).toBeGreaterThan(0);
    expect(ort.length).toBeGreaterThan(0);
    for (const row of written.rows) {
      expect(row.min_us_per_token).toBeLessThanOrEqual(row.median_us_per_token);
      expect(row.median_us_per_token).toBeLessThanOrEqual(row.max_us_per_token);
    }
    expect(new Set(written.rows.map((r) => r.suite))).toEqual(new Set(['external', 'kernels', 'depth-sweep', 'training', 'model']));
    expect(written.machine.webgpu_adapter).toBe('none');
    // Both models on onnxruntime in both dtypes; on tfjs both in fp32 and UltraFastBERT again with its FFF blocks on cmm's q8 kernel.
    const onnxModels = written.rows.filter((r) => r.suite === 'model' && r.backend === 'onnxruntime-cpu');
    expect(new Set(onnxModels.map((r) => `${r.name} ${r.dtype}`))).toEqual(
      new Set(['model ultrafastbert-tiny-1x11 fp32', 'model ultrafastbert-tiny-1x11 q8', 'model crammedbert-tiny fp32', 'model crammedbert-tiny q8']),
    );
    const tfjsModels = written.rows.filter((r) => r.suite === 'model' && r.backend.startsWith('tfjs-'));
    expect(new Set(tfjsModels.map((r) => `${r.family} ${r.dtype}`))).toEqual(new Set(['fff fp32', 'fff q8', 'ff fp32']));
    expect(onnxModels.find((r) => r.family === 'fff' && r.dtype === 'q8')?.speedup?.vs_onnxruntime_crammedbert_3072_fp32).toBeGreaterThan(0);
  });

  it('compares every FFF kernel row with onnxruntime and with the dense kernels', () => {
    const kernelFff = written.rows.filter((r) => r.suite === 'kernels' && r.family === 'fff');
    for (const row of kernelFff) {
      expect(row.speedup?.vs_onnxruntime_ff_3072).toBeGreaterThan(0);
      if (row.backend === 'ts') expect(row.speedup?.vs_ff_3072_same_level).toBeGreaterThan(0);
    }
  });

  it('checks that the kernels and onnxruntime agree on their outputs', () => {
    expect(written.checks.length).toBeGreaterThan(0);
    expect(written.checks.filter((c) => !c.ok)).toEqual([]);
    expect(written.checks.some((c) => c.what.startsWith('onnxruntime ff-3072'))).toBe(true);
  });

  it('writes a summary.json beside the results that conforms to summary.schema.json', () => {
    expect(run.files.summary).toBe(run.files.json.replace(/\.json$/, '-summary.json'));
    const summary = JSON.parse(readFileSync(run.files.summary, 'utf8')) as { results: string; headline: Array<{ threads: number; batch: number }> };
    expect(validate(loadSummarySchema(), summary)).toEqual([]);
    expect(summary.results).toBe(run.files.json.slice(outDir.length + 1));
    expect(summary.headline.map((h) => `${h.threads}@${h.batch}`)).toEqual(expect.arrayContaining(['1@1', '2@1', '1@4', '2@4']));
  });

  it('writes the Markdown report and the SVG charts, none with more than six series', () => {
    const md = readFileSync(run.files.markdown, 'utf8');
    expect(md).toContain('## Headline: fastest FFF-1x11 against onnxruntime dense FF, thread-matched');
    expect(md).toContain("## The paper's level comparison");
    expect(md).toContain('## KxD sweep');
    const names = run.files.svgs.map((f) => f.slice(run.files.json.length - '.json'.length + 1));
    expect(names).toEqual(expect.arrayContaining(['headline.svg', 'batch-fast.svg', 'batch-levels.svg', 'depth.svg']));
    for (const file of run.files.svgs) {
      const svg = readFileSync(file, 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('<polyline');
      // one legend entry per series: a short line beside the plot
      expect((svg.match(/<line x1="594"/g) ?? []).length).toBeLessThanOrEqual(6);
      expect(md).toContain(file.slice(outDir.length + 1));
    }
  });

  it('is rejected by the schema once a contract field is broken', () => {
    const broken = structuredClone(written) as unknown as { rows: Array<Record<string, unknown>> };
    delete broken.rows[0].median_us_per_token;
    broken.rows[1].level = 'turbo';
    const paths = validate(loadSchema(), broken).map((e) => e.path);
    expect(paths).toContain('/rows/0');
    expect(paths).toContain('/rows/1/level');
  });
});

describe('the per-call cap', () => {
  it('skips the larger batches of a kernel whose next call would exceed it, saying why', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ufbert-bench-cap-'));
    try {
      const options = { ...modeDefaults('smoke', outDir), suites: ['kernels'] as const, maxCallS: 1e-9 };
      const { result } = await runBench(options);
      const perKernel = new Map<string, number[]>();
      for (const r of result.rows) {
        const key = `${r.name} ${r.implementation}`;
        perKernel.set(key, [...(perKernel.get(key) ?? []), r.batch]);
      }
      for (const batches of perKernel.values()) expect(batches).toEqual([1]);
      const capped = result.skipped.filter((s) => s.what.endsWith('at B >= 4'));
      expect(capped).toHaveLength(perKernel.size);
      expect(capped[0].reason).toMatch(/one call would take about .* over the .* cap per call/);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
