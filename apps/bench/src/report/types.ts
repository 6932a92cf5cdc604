/**
 * The shape of one benchmark run as written to `results/<stamp>.json`.
 * `results.schema.json` is the contract; these types mirror it field for field.
 */

export type Suite = 'kernels' | 'depth-sweep' | 'training' | 'model' | 'external' | 'browser';
export type Mode = 'full' | 'quick' | 'smoke';
/** 1, 2, 3 and 'fused' are the @ufbert/cmm implementation levels; the others name what ran instead of a cmm kernel. */
export type RowLevel = 1 | 2 | 3 | 'fused' | 'tfjs-op' | 'model' | 'external';

export interface Speedups {
  /** dense FF-3072 at the matching level on the same backend, divided by this row (FFF rows). */
  vs_ff_3072_same_level?: number;
  /** dense FF-4095 (the same number of neurons as FFF-1x11) at the matching level on the same backend. */
  vs_ff_4095_same_level?: number;
  /** the fastest onnxruntime-node FF-3072 at this batch, divided by this row. */
  vs_onnxruntime_ff_3072?: number;
  /** the fastest onnxruntime-node FF-4095 at this batch, divided by this row. */
  vs_onnxruntime_ff_4095?: number;
  /** onnxruntime-node FF-3072 at this batch with the same threads as this row, divided by this row (thread-matched). */
  vs_onnxruntime_ff_3072_same_threads?: number;
  /** onnxruntime-node FF-4095 at this batch with the same threads as this row. */
  vs_onnxruntime_ff_4095_same_threads?: number;
  /** the dense masking oracle's training step on the same backend, divided by this row (training rows). */
  vs_masked_oracle?: number;
  /** crammedBERT-3072's whole-model time per token on the same backend, threads and call shape, divided by this row (model rows). */
  vs_crammedbert_3072?: number;
  /** The faster of crammedBERT-3072's onnxruntime-node rows (either parallelism) with the same threads, call shape and dtype, divided by this row (model rows). */
  vs_onnxruntime_crammedbert_3072?: number;
  /** q8 model rows: the faster crammedBERT-3072 fp32 onnxruntime-node row with the same threads and call shape, divided by this row. */
  vs_onnxruntime_crammedbert_3072_fp32?: number;
}

/** The weights' precision of a model row: float32, or q8 (int8 weights, onnxruntime's dynamic quantization; transformers.js's names). */
export type ModelDtype = 'fp32' | 'q8';

export interface Row {
  suite: Suite;
  /** e.g. `fff-1x11`, `ff-3072`, `onnxruntime ff-3072`, `train fff-1x11 conditional`, `model ultrafastbert-1x11`. */
  name: string;
  /** `fff` for conditional rows (the masking oracle included), `ff` for dense ones. */
  family: 'fff' | 'ff';
  /** What ran: a cmm kernel label (`ConditionalMatmul/wasm/fused`), a tfjs recipe, or the onnxruntime graph. */
  implementation: string;
  /** `ts`, `wasm`, `webgpu` (cmm kernels), `tfjs-cpu`, `tfjs-wasm`, `tfjs-webgpu`, `onnxruntime-cpu`. */
  backend: string;
  level: RowLevel;
  /** Tokens per call. */
  batch: number;
  input_size: number;
  output_size: number;
  /** Hidden neurons: M for FF, N = K (2^(D+1) - 1) for FFF. */
  neurons: number;
  trees?: number;
  depth?: number;
  /** Model rows: transformer layers. */
  layers?: number;
  /**
   * Threads the call could use: onnxruntime's intra-op threads; for WASM kernel rows the
   * threads configured for @ufbert/cmm (a call under its split threshold runs on one).
   */
  threads?: number;
  /** WASM kernel rows: threads a call of this batch actually ran on (1 below the split threshold, or where calibration found threads do not pay). */
  threads_used?: number;
  /** Model rows: sequences per call (batch / sequences tokens each). */
  sequences?: number;
  /**
   * onnxruntime model rows: `intra-op` (one session, operators split across the threads) or
   * `sequences` (one single-thread session per thread in worker threads, each with a slice of the call's sequences).
   */
  parallelism?: 'intra-op' | 'sequences';
  /**
   * The weights' precision. FFF kernel rows: `q8` on int8 node rows. Model rows: onnxruntime rows
   * the export's dtype; tfjs rows `q8` where the FFF blocks run cmm's q8 kernel. Absent means fp32.
   */
  dtype?: ModelDtype;
  /** Model rows: FLOPs per token of the encoder as run (FFF: only the visited nodes). */
  flops_per_token?: number;
  median_us_per_token: number;
  min_us_per_token: number;
  max_us_per_token: number;
  median_ms_per_call: number;
  tokens_per_second: number;
  samples: number;
  calls_per_sample: number;
  warmup_calls: number;
  /** Share of the whole-model time spent in the feedforward blocks (model rows). */
  ff_share?: number;
  /** Time per token in all feedforward blocks together (model rows). */
  ff_us_per_token?: number;
  /**
   * FFF model rows on a host backend: the cmm kernel the layers chose, alone, on the model's
   * own prepared weights, layer after layer as in the model (each layer's weights cold), per
   * token over all layers: the kernel's own share of the feedforward blocks' time.
   */
  ff_kernel_us_per_token?: number;
  speedup?: Speedups;
  /** Why this row differs from the plan (repetitions capped, a substituted level, ...). */
  note?: string;
}

export interface Skip {
  /** What did not run, e.g. `kernels on webgpu`. */
  what: string;
  reason: string;
}

export interface Check {
  /** What was compared, e.g. `onnxruntime ff-3072 vs DenseMatmul/ts/3, B=16`. */
  what: string;
  /** null when the difference is not a number (an output held NaN). */
  max_abs_diff: number | null;
  tolerance: number;
  ok: boolean;
}

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  available_parallelism: number;
  total_memory_gib: number;
  platform: string;
  arch: string;
  node_version: string;
  /** The WebGPU adapter (`formatAdapter` of @ufbert/tensor) or `none`. */
  webgpu_adapter: string;
  /** Why there is no adapter, when there is none. */
  webgpu_reason?: string;
  /** Threads the WASM kernels use after calibration, the main thread included. */
  wasm_threads?: number;
  /** Threads configured for them. */
  wasm_threads_asked?: number;
  /** One core's f32x4 multiply-add throughput (simdThroughput of @ufbert/cmm) at the start and end of the run, GFLOP/s. */
  simd_gflops_start?: number;
  simd_gflops_end?: number;
  /** The @ufbert/cmm WASM build the kernels ran: relaxed-simd (fused multiply-add) or simd. */
  wasm_build?: 'relaxed-simd' | 'simd';
  /** One core's f32x4 multiply-add peak in that build, GFLOP/s (multiplyAddPeak of @ufbert/cmm: chains in registers, no loads). */
  multiply_add_peak_gflops?: number;
}

export interface Settings {
  input_size: number;
  output_size: number;
  batches: number[];
  sweep_batch: number;
  training_batch: number;
  /** Target wall time of one measurement, seconds. */
  budget_s: number;
  model_tokens: number;
  /** [sequences, tokens each] of the onnxruntime whole-model calls. */
  onnx_model_shapes: number[][];
  tfjs_backends: string[];
  onnxruntime_threads: number[];
  seed: number;
}

export interface BenchResult {
  schema_version: 1;
  created_at: string;
  mode: Mode;
  duration_s: number;
  machine: MachineInfo;
  software: Record<string, string>;
  settings: Settings;
  rows: Row[];
  skipped: Skip[];
  checks: Check[];
  /** The browser suite's rows (timed in headless Chromium), when it ran. */
  browser?: BrowserRow[];
  /** onnxruntime-web's profiler on the browser suite's models: where their time goes, operator by operator. */
  browser_profile?: BrowserProfile[];
}

/** One profiled call of a whole model in the page: kernel time per operator type, per token. */
export interface BrowserProfile {
  model: string;
  dtype: 'fp32' | 'q8';
  threads: number;
  call: string;
  /** All kernels together, µs per token (the profiler's own overhead included). */
  us_per_token: number;
  /** Operator types, slowest first. */
  ops: Array<{ op: string; us_per_token: number }>;
}

/**
 * One timing of the browser suite, in a page of headless Chromium: a whole model on
 * onnxruntime-web (calls `SxT`, S sequences of T tokens) or one feedforward layer
 * (@ufbert/cmm's wasm kernel or onnxruntime-web's dense graph, calls `B=<tokens>`).
 */
export interface BrowserRow {
  /** `ultrafastbert-1x11`, `crammedbert-3072` (whole models), `fff-1x11`, `ff-3072` (one feedforward layer). */
  model: string;
  family: 'fff' | 'ff';
  dtype: 'fp32' | 'q8';
  /** `onnxruntime-web` or `@ufbert/cmm`. */
  runtime: string;
  /** onnxruntime-web's execution provider (`wasm`, `webgpu`); `wasm` for @ufbert/cmm's kernel. */
  ep: string;
  /** Threads asked for: onnxruntime-web's ort.env.wasm.numThreads; @ufbert/cmm's kernel thread option (prepare(weights, shape, { threads })). */
  threads: number;
  call: string;
  us_per_token: number;
  ms_per_call: number;
  /** Samples over all rounds: one per call (whole models), or means of a loop of calls (feedforward rows, B=n). */
  samples: number;
  cross_origin_isolated: boolean;
  /** `HeadlessChrome/150.0.7871.100`, the browser's product string. */
  browser_version: string;
  /** navigator.hardwareConcurrency in the page. */
  hardware_concurrency: number;
  /**
   * @ufbert/cmm kernel rows: threads its calls ran on, from the page's pool (fewer than
   * `threads` below the split threshold, where it did not start, or where calibration decided against threads).
   */
  threads_used?: number;
  /** Whole-model rows: FLOPs per token of the encoder as run (FFF: only the visited nodes). */
  flops_per_token?: number;
  note?: string;
}
