// The acceptance test of the GPU bench bundle: built as `pnpm --filter bench bundle:gpu`
// builds it, copied alone into an empty folder under /tmp (no node_modules above it), run
// by run.sh with PATH=/usr/bin:/bin on SwiftShader with a tiny budget and H, and every
// planned row, every conformance verdict and the emulated-adapter label checked.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelLabel, listKernels } from '@ufbert/cmm';
import { webgpuTestExpectation } from '@ufbert/test-utils/webgpu-test-expectation';
import type { Row } from '../src/report/types.js';
import type { GpuBenchReport } from './results.js';

const app = fileURLToPath(new URL('..', import.meta.url));
const bundleDir = join(app, 'gpu-bundle');
const ARCHIVE = 'ufbert-gpu-bench.tar.gz';
const BATCHES = [1, 8];
const gate = webgpuTestExpectation();

function nodeModulesAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return undefined;
  }
}

describe.skipIf(!gate.expected)(`the GPU bench bundle${gate.expected ? '' : ` (skipped: ${gate.reason})`}`, () => {
  let work: string;
  let run: ReturnType<typeof spawnSync>;
  let report: GpuBenchReport;
  let stdoutRows: Row[];

  beforeAll(() => {
    execFileSync(process.execPath, [join(app, 'scripts', 'bundle-gpu.mjs')], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
    work = mkdtempSync(join(tmpdir(), 'ufbert-gpu-bundle-test-'));
    for (const file of [ARCHIVE, 'run.sh']) copyFileSync(join(bundleDir, file), join(work, file));
    run = spawnSync('bash', ['run.sh', 'results', '--budget-s', '1', '--batches', BATCHES.join(','), '--input-size', '16', '--model', 'tiny'], {
      cwd: work,
      // The bundle's own Vulkan loader, as on a GPU machine without one.
      env: { PATH: '/usr/bin:/bin', HOME: work, TMPDIR: work, UFBERT_GPU_BENCH_VULKAN_LOADER: 'bundle' },
      encoding: 'utf8',
      timeout: 150_000,
    });
    const files = existsSync(join(work, 'results')) ? readdirSync(join(work, 'results')) : [];
    if (run.status !== 0 || files.length !== 1) throw new Error(`run.sh exited ${run.status} with results ${JSON.stringify(files)}:\n${run.stderr}`);
    report = JSON.parse(readFileSync(join(work, 'results', files[0]), 'utf8')) as GpuBenchReport;
    stdoutRows = String(run.stdout)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is one archive under 60 MiB and run.sh, and ran with nothing installed around it', () => {
    expect(readdirSync(bundleDir).sort()).toEqual(['run.sh', ARCHIVE]);
    expect(statSync(join(bundleDir, ARCHIVE)).size).toBeLessThan(60 * 2 ** 20);
    expect(nodeModulesAbove(work)).toBeUndefined();
    expect(run.stderr).toMatch(/Node v24\./);
    expect(run.stderr).toMatch(/run\.sh: Vulkan loader: bundle/);
    // run.sh removes what it unpacked: only the archive, the script and the results stay.
    expect(readdirSync(work).sort()).toEqual(['results', 'run.sh', ARCHIVE]);
  });

  it('says which adapter it ran on and labels it emulated', () => {
    expect(report.adapter).toMatchObject({ implementation: 'dawn', isCpuAdapter: true, timestampQuery: true });
    expect(report.adapter.emulated).toMatch(/emulated GPU/);
    expect(report.run.machine.webgpu_adapter).toMatch(/SwiftShader.*CPU adapter/i);
    expect(run.stderr).toMatch(/vendor 'google', architecture 'swiftshader'/);
    expect(run.stderr).toMatch(/isFallbackAdapter true, CPU adapter true, timestamp-query true/);
  });

  it("passes conformance for every webgpu kernel of the registry, on cmm's cases", () => {
    const kernels = listKernels(undefined, ['webgpu']).map((k) => kernelLabel(k));
    expect(report.conformance.map((v) => v.kernel)).toEqual(kernels);
    for (const verdict of report.conformance) {
      expect(verdict.error).toBeUndefined();
      expect(verdict.checks.length).toBeGreaterThan(0);
      expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
      expect(verdict.ok).toBe(true);
    }
  });

  it('times every planned row on the GPU clock, labelled emulated, on stdout and in the results file', () => {
    const label = (r: Row) => `${r.suite} ${r.name} ${r.implementation} B=${r.batch}`;
    const dense = listKernels('DenseMatmul', ['webgpu']).map((k) => kernelLabel(k));
    const planned = BATCHES.flatMap((b) => [
      `kernels fff-1x11 ConditionalMatmul/webgpu/fused B=${b}`,
      ...[3072, 4095].flatMap((w) => dense.map((d) => `kernels ff-${w} ${d} B=${b}`)),
      `training train fff-1x11 ConditionalForwardTrain/webgpu/fused + ConditionalBackward/webgpu/fused B=${b}`,
    ]);
    planned.push(
      'model model ultrafastbert-tiny-1x11 CrammedBertModel.hiddenStates, 2 layers, hidden 64, 2x8 tokens B=16',
      'model model crammedbert-tiny CrammedBertModel.hiddenStates, 2 layers, hidden 64, 2x8 tokens B=16',
    );
    expect(report.run.rows.map(label).sort()).toEqual(planned.sort());
    expect(stdoutRows.map(label).sort()).toEqual(planned.sort());
    for (const row of report.run.rows) {
      expect(row.note).toMatch(
        /^WebGPU on a CPU adapter \(an emulated GPU\): not the speed of a real GPU; GPU time of the compute passes \(timestamp queries\)/,
      );
      expect(row.median_us_per_token).toBeGreaterThan(0);
      expect(row.samples).toBeGreaterThanOrEqual(3);
    }
    for (const row of report.run.rows.filter((r) => r.suite === 'kernels' && r.family === 'fff')) {
      expect(row.speedup?.vs_ff_3072_same_level).toBeGreaterThan(0);
      expect(row.speedup?.vs_ff_4095_same_level).toBeGreaterThan(0);
    }
    expect(report.run.rows.find((r) => r.suite === 'model' && r.family === 'fff')?.speedup?.vs_crammedbert_3072).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/FFF-1x11 against the dense FF at the same level/);
    expect(run.stderr).toMatch(/whole model: model ultrafastbert-tiny-1x11 [\d.]+ µs\/token on tfjs-webgpu; crammedBERT's time \/ this: [\d.]+x/);
    expect(report.run.skipped).toEqual([
      { what: 'training rows of the dense FF on webgpu', reason: '@ufbert/cmm has no webgpu dense training kernel; the training rows are the FFF step alone' },
    ]);
  });
});
