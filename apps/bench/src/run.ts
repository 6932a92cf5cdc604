import { performance } from 'node:perf_hooks';
import { formatAdapter, setBackend, tf } from '@ufbert/tensor';
import {
  multiplyAddPeak,
  selectWasmBuild,
  simdThroughput,
  defaultThreadCount,
  startThreadPool,
  threadCalibration,
  wasmBuild,
  wasmSimdSupported,
} from '@ufbert/cmm';
import { SuiteContext } from './context.js';
import { machineInfo, probeWebGpu, softwareVersions, type WebGpuProbe } from './environment.js';
import type { BenchOptions } from './options.js';
import { addSpeedups } from './report/speedups.js';
import type { BenchResult, Suite } from './report/types.js';
import { writeResult, type WrittenFiles } from './report/write.js';
import { runBrowser } from './suites/browser.js';
import { runDepthSweep } from './suites/depth-sweep.js';
import { runExternal } from './suites/external.js';
import { runKernels } from './suites/kernels.js';
import { runModel } from './suites/model.js';
import { runTraining } from './suites/training.js';
import { loadWebGpuKernels, type WebGpuKernels } from './webgpu-kernels.js';

const SUITE_RUNNERS: Record<Suite, (ctx: SuiteContext) => Promise<void>> = {
  // onnxruntime first, so that its rows are there when FFF rows are compared with it.
  external: runExternal,
  kernels: runKernels,
  'depth-sweep': runDepthSweep,
  training: runTraining,
  model: runModel,
  browser: runBrowser,
};

export interface BenchRun {
  result: BenchResult;
  files: WrittenFiles;
  /** Suites that threw, with the error; their rows so far are kept and the failure is a skip. */
  failures: string[];
}

/** Runs the selected suites, then writes and returns the JSON, Markdown and SVG outputs. */
export async function runBench(options: BenchOptions): Promise<BenchRun> {
  const started = performance.now();
  const createdAt = new Date().toISOString();
  const log = (line: string) => options.log?.(line);

  await setBackend('cpu');
  const webgpu: WebGpuProbe = options.probeWebGpu ? await probeWebGpu() : { reason: 'not probed (smoke run)' };
  const machine = machineInfo(webgpu);
  if (wasmSimdSupported()) selectWasmBuild(options.wasmBuild);
  // Started here (for a kernel's default threads), not in the first timed call: the pool's start and calibration take ~0.1 s.
  const wasmThreadsAtStart = options.mode === 'smoke' ? undefined : startThreadPool();
  // How fast one core is right now: on a shared host, other load can slow a whole run.
  const hostSpeed = wasmSimdSupported() ? () => Math.round(simdThroughput() * 10) / 10 : () => undefined;
  const simdAtStart = hostSpeed();
  const build = wasmBuild();
  if (build) {
    machine.wasm_build = build;
    machine.multiply_add_peak_gflops = Math.round(multiplyAddPeak() * 10) / 10;
  }
  const software = softwareVersions();
  log(`ufbert bench (${options.mode}): ${machine.cpu_model}, ${machine.cores} cores, Node ${machine.node_version}`);
  if (build) log(`@ufbert/cmm WASM build: ${build}; multiply-add peak ${machine.multiply_add_peak_gflops} GFLOP/s per thread`);
  log(`WebGPU adapter: ${machine.webgpu_adapter}${machine.webgpu_reason ? ` (${machine.webgpu_reason})` : ''}`);
  if (wasmThreadsAtStart) log(`WASM kernel threads: ${wasmThreadsAtStart} of ${defaultThreadCount()} (calibrated)`);

  const gpuKernels = await webgpuKernelsFor(options, webgpu, log);
  if (gpuKernels.kernels.length) log(`WebGPU kernels: ${gpuKernels.kernels.map((k) => `${k.kernelName}/${k.level}`).join(', ')}`);
  const ctx = new SuiteContext(options, webgpu, gpuKernels);
  const failures: string[] = [];
  for (const suite of options.suites) {
    const suiteStart = performance.now();
    try {
      await SUITE_RUNNERS[suite](ctx);
    } catch (err) {
      // One broken suite should not cost the others' numbers: record it, go on, fail at the end.
      const message = (err as Error).message.split('\n')[0];
      failures.push(`${suite}: ${message}`);
      ctx.skip(`the rest of suite ${suite}`, `failed: ${message}`);
      log((err as Error).stack ?? message);
      await setBackend('cpu');
    }
    log(`  (${suite}: ${((performance.now() - suiteStart) / 1000).toFixed(1)} s)`);
  }
  addSpeedups(ctx.rows);
  const simdAtEnd = hostSpeed();
  if (simdAtStart !== undefined && simdAtEnd !== undefined) {
    machine.simd_gflops_start = simdAtStart;
    machine.simd_gflops_end = simdAtEnd;
    log(`host speed: ${simdAtStart} GFLOP/s of f32x4 multiply-add on one core at the start, ${simdAtEnd} at the end`);
  }
  if (wasmThreadsAtStart) {
    // as calibration stands at the end: one that found no gain is retried during the run
    const asked = defaultThreadCount();
    machine.wasm_threads = threadCalibration().get(asked) ?? wasmThreadsAtStart;
    machine.wasm_threads_asked = asked;
    if (machine.wasm_threads !== wasmThreadsAtStart) log(`WASM kernel threads: ${machine.wasm_threads} by the end of the run (recalibrated)`);
  }
  // Known only once the wasm backend has been loaded by a suite.
  software['tfjs-backend-wasm simd'] = await wasmSimd();

  const result: BenchResult = {
    schema_version: 1,
    created_at: createdAt,
    mode: options.mode,
    duration_s: Math.round((performance.now() - started) / 100) / 10,
    machine,
    software,
    settings: {
      input_size: options.inputSize,
      output_size: options.inputSize,
      batches: [...options.batches],
      sweep_batch: options.sweepBatch,
      training_batch: options.trainingBatch,
      budget_s: options.budgetS,
      model_tokens: options.modelTokens,
      onnx_model_shapes: options.onnxModelShapes.map(([sequences, tokens]) => [sequences, tokens]),
      tfjs_backends: [...options.tfjsBackends],
      onnxruntime_threads: [...options.onnxThreads],
      seed: options.seed,
    },
    rows: ctx.rows,
    skipped: ctx.skipped,
    checks: ctx.checks,
    ...(ctx.browser.length ? { browser: ctx.browser } : {}),
    ...(ctx.browserProfiles.length ? { browser_profile: ctx.browserProfiles } : {}),
  };
  const files = writeResult(result, options.outDir);
  log(`wrote ${files.json}, ${files.summary}, ${files.markdown}${files.svgs.map((s) => `, ${s}`).join('')}`);
  return { result, files, failures };
}

/**
 * The webgpu kernels to run. On an emulated adapter (SwiftShader, llvmpipe) only the
 * conditional kernel runs, as a labelled correctness run: a dense call at B = 1024 takes
 * minutes there. --webgpu-on-cpu-adapter runs every kernel anyway.
 */
async function webgpuKernelsFor(options: BenchOptions, webgpu: WebGpuProbe, log: (line: string) => void): Promise<WebGpuKernels> {
  if (!options.probeWebGpu) return { kernels: [], reason: 'not probed (smoke run)' };
  const loaded = await loadWebGpuKernels(webgpu);
  if (!webgpu.description?.isCpuAdapter || options.webgpuOnCpuAdapter) return loaded;
  log(
    `  webgpu: ${formatAdapter(webgpu.description)} emulates a GPU on the CPU; only ConditionalMatmul runs there, ` +
      'labelled, for correctness (dense and training kernels take minutes per call; --webgpu-on-cpu-adapter runs them)',
  );
  return {
    kernels: loaded.kernels.filter((k) => k.kernelName === 'ConditionalMatmul'),
    reason:
      loaded.reason ??
      `${formatAdapter(webgpu.description)} emulates a GPU on the CPU, where this kernel takes minutes per call; --webgpu-on-cpu-adapter runs it`,
  };
}

/** Whether tfjs's wasm backend runs its SIMD build here (its speed depends on it). */
async function wasmSimd(): Promise<string> {
  try {
    return String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  } catch {
    return 'unknown';
  }
}
