// The WebGPU bench that travels (scripts/bundle-gpu.mjs bundles this file): on whatever
// adapter Dawn finds, cmm's conformance cases for every webgpu kernel, then the conditional
// kernel against the dense kernels, timed on the GPU. Progress on stderr, one JSON row a
// line on stdout, everything in <results>/gpu-bench-<time>.json.
import { performance } from 'node:perf_hooks';
import { listKernels } from '@ufbert/cmm';
import { initWebGpu, type WebGpuInfo } from '@ufbert/cmm/webgpu';
import { BackendUnavailableError, formatAdapter } from '@ufbert/tensor';
import { SuiteContext } from '../src/context.js';
import { machineInfo } from '../src/environment.js';
import { modeDefaults } from '../src/options.js';
import { addSpeedups } from '../src/report/speedups.js';
import type { BenchResult, Row } from '../src/report/types.js';
import { conformanceVerdicts, type KernelVerdict } from './conformance.js';
import { DeviceWatch } from './device-watch.js';
import { GpuDeadlineError } from './errors.js';
import { GpuCallTimer, type TimingMethod } from './gpu-timer.js';
import { plannedMeasurements, runKernelRows } from './kernel-rows.js';
import { MODEL_PLANS, runModelRows } from './model-rows.js';
import { gpuDiagnostics } from './diagnostics.js';
import { parseOptions, type GpuBenchOptions } from './options.js';
import { bundledVersions, writeFailure, writeReport, type AdapterReport } from './results.js';
import { printRatios } from './ratios.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
/** The words SuiteContext.addRow puts on a webgpu row of a CPU adapter. */
const EMULATED_ROW = 'WebGPU on a CPU adapter (an emulated GPU): not the speed of a real GPU';

/**
 * The bench's context, with each row also on stdout as it comes. Every row here ran on the
 * one adapter: the whole-model rows (tfjs-webgpu) carry the emulated label the bench's
 * context gives only the `webgpu` kernel rows.
 */
class StreamingContext extends SuiteContext {
  override addRow(row: Row): void {
    if (row.backend !== 'webgpu' && this.webgpu.description?.isCpuAdapter) row.note = `${EMULATED_ROW}${row.note ? `; ${row.note}` : ''}`;
    super.addRow(row);
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
}

function describeAdapter(info: WebGpuInfo): AdapterReport {
  if (!info.adapter)
    throw new BackendUnavailableError('initWebGpu() gave a device but no adapter description; expected @ufbert/tensor to describe the adapter it found');
  const dawnInfo = (info.device as GPUDevice & { adapterInfo?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).adapterInfo;
  const report: AdapterReport = { ...info.adapter, timestampQuery: info.device.features.has('timestamp-query') };
  if (dawnInfo?.isFallbackAdapter !== undefined) report.isFallbackAdapter = dawnInfo.isFallbackAdapter;
  // A fallback adapter is a software one, whatever its name says.
  if (report.isFallbackAdapter) report.isCpuAdapter = true;
  if (report.isCpuAdapter) report.emulated = "a CPU adapter (an emulated GPU): its times are not a GPU's, never targets";
  return report;
}

function logAdapter(adapter: AdapterReport): void {
  log(`adapter: ${formatAdapter(adapter)}`);
  log(`  vendor '${adapter.vendor}', architecture '${adapter.architecture}', device '${adapter.device}', driver/description '${adapter.description}'`);
  log(`  isFallbackAdapter ${adapter.isFallbackAdapter ?? 'not reported'}, CPU adapter ${adapter.isCpuAdapter}, timestamp-query ${adapter.timestampQuery}`);
  if (adapter.emulated) log(`  NOTE: ${adapter.emulated}`);
}

async function startDevice(deadlineS: number): Promise<WebGpuInfo> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      initWebGpu(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new GpuDeadlineError(`no WebGPU device after ${deadlineS} s`)), deadlineS * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Says why there is no adapter, with what the machine offers Vulkan, on stderr and in the results file. */
function explainNoAdapter(options: GpuBenchOptions, createdAt: string, versions: Record<string, string>, err: Error): void {
  const diagnostics = gpuDiagnostics();
  log(`no WebGPU adapter: ${err.message}`);
  for (const [key, value] of Object.entries(diagnostics)) log(`  ${key}: ${Array.isArray(value) ? value.join(', ') || 'none' : value}`);
  const file = writeFailure(options.resultsDir, { gpu_bench_version: 1, created_at: createdAt, error: err.message, diagnostics, software: versions });
  log(`results: ${file}`);
}

/** The run in results.schema.json's shape; fields of suites this bundle does not run are empty or the bench's defaults. */
function benchResult(
  ctx: SuiteContext,
  options: GpuBenchOptions,
  createdAt: string,
  durationS: number,
  budgetS: number,
  software: Record<string, string>,
): BenchResult {
  return {
    schema_version: 1,
    created_at: createdAt,
    mode: 'full',
    duration_s: durationS,
    machine: machineInfo(ctx.webgpu),
    software,
    settings: {
      input_size: options.inputSize,
      output_size: options.inputSize,
      batches: [...options.batches],
      sweep_batch: ctx.options.sweepBatch,
      training_batch: Math.max(...options.batches),
      budget_s: Number(budgetS.toPrecision(3)),
      model_tokens: options.model === 'none' ? ctx.options.modelTokens : MODEL_PLANS[options.model].tokens,
      onnx_model_shapes: [],
      tfjs_backends: ['webgpu'],
      onnxruntime_threads: [],
      seed: ctx.options.seed,
    },
    rows: ctx.rows,
    skipped: ctx.skipped,
    checks: ctx.checks,
  };
}

/** 0: every kernel passed conformance and the device held to the end; 1: not (results written); 2: no adapter. */
async function run(options: GpuBenchOptions): Promise<number> {
  const started = performance.now();
  const createdAt = new Date().toISOString();
  const versions = bundledVersions();
  log(`ufbert GPU bench (bundle of ${versions.bundled_at ?? '?'}, commit ${versions.git_commit ?? '?'}), Node ${process.version}`);
  let info: WebGpuInfo;
  try {
    info = await startDevice(options.deadlineS);
  } catch (err) {
    explainNoAdapter(options, createdAt, versions, err as Error);
    return 2;
  }
  const adapter = describeAdapter(info);
  logAdapter(adapter);
  const method: TimingMethod = adapter.timestampQuery && options.timing === 'auto' ? 'timestamp-query' : 'wall-clock';
  log(`timing: ${method}${method === 'wall-clock' ? (adapter.timestampQuery ? ' (--timing wall)' : ' (the adapter has no timestamp-query)') : ''}`);
  if (options.inputSize !== 768) log(`NOTE: H = O = ${options.inputSize}, not 768 (--input-size): a test run, its times say nothing about BERT-base`);

  const watch = new DeviceWatch(info.device, options.deadlineS * 1000);
  const kernels = listKernels(undefined, ['webgpu']);
  const benchOptions = {
    ...modeDefaults('full', options.resultsDir),
    inputSize: options.inputSize,
    batches: options.batches,
    tfjsBackends: ['webgpu' as const],
    log,
  };
  const ctx = new StreamingContext(benchOptions, { description: adapter }, { kernels });
  const budgetS = options.budgetS / (plannedMeasurements(options.batches) + (options.model === 'none' ? 0 : 2));
  let verdicts: KernelVerdict[] = [];
  const writeRun = (): string => {
    const durationS = Math.round(performance.now() - started) / 1000;
    const software = { ...versions, node: process.versions.node, v8: process.versions.v8 };
    const result = benchResult(ctx, options, createdAt, durationS, budgetS, software);
    return writeReport(options.resultsDir, { gpu_bench_version: 1, adapter, timing: method, conformance: verdicts, run: result });
  };
  // A runner that stops the run early (run.sh forwards its INT or TERM) still gets the rows so far.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      ctx.skip('the rest of the run', `interrupted by ${signal}`);
      log(`interrupted; results so far: ${writeRun()}`);
      process.exit(143);
    });
  }

  log(`conformance: ${kernels.length} webgpu kernels against the float64 oracle`);
  verdicts = await conformanceVerdicts(kernels, watch, log);
  const timer = new GpuCallTimer(info.device, method, watch);
  log(`budget: ${options.budgetS} s of timed samples, ${budgetS.toPrecision(3)} s per measurement; rows not started by ${options.maxS} s are skipped`);
  const setup = { ctx, timer, watch, verdicts, budgetS, stopAt: started + options.maxS * 1000, maxCallS: options.maxCallS };
  try {
    await runKernelRows(setup, options.batches);
    await runModelRows(setup, options.model);
  } finally {
    timer.dispose();
  }
  addSpeedups(ctx.rows);
  printRatios(ctx.rows, log);
  const file = writeRun();
  const failed = verdicts.filter((v) => !v.ok).length;
  log(`${ctx.rows.length} rows, ${ctx.skipped.length} skipped, ${failed} of ${verdicts.length} kernels failed conformance; results: ${file}`);
  watch.close();
  info.device.destroy();
  return failed === 0 && watch.unusable === undefined ? 0 : 1;
}

try {
  // Dawn keeps the event loop alive, hence process.exit.
  process.exit(await run(parseOptions(process.argv.slice(2), process.env)));
} catch (err) {
  log(`ufbert GPU bench failed: ${(err as Error).stack ?? err}`);
  process.exit(2);
}
