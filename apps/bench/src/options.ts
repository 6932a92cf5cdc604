import type { ModelDtype, Mode, Suite } from './report/types.js';

export const SUITES: readonly Suite[] = ['external', 'kernels', 'depth-sweep', 'training', 'model', 'browser'];
export type TfjsBackend = 'cpu' | 'wasm' | 'webgpu';

export interface BenchOptions {
  mode: Mode;
  /** Folder the JSON, Markdown and SVG files go to. */
  outDir: string;
  suites: readonly Suite[];
  /** H; O is the same (a BERT feedforward maps the hidden size back to itself). */
  inputSize: number;
  batches: readonly number[];
  /** FF widths compared with FFF-1x11: 3072 (crammedBERT) and 4095 (the same neuron count). */
  denseWidths: readonly number[];
  /** [trees, depth] of the KxD sweep. */
  sweep: ReadonlyArray<readonly [number, number]>;
  sweepBatch: number;
  /** Only the fused conditional kernels in the sweep (quick and smoke runs). */
  sweepFusedOnly: boolean;
  trainingBatch: number;
  /** Target seconds per measurement. */
  budgetS: number;
  /** Target seconds per whole-model measurement. */
  modelBudgetS: number;
  /** Presets of @ufbert/crammed-bert: [UltraFastBERT, crammedBERT]. */
  modelPresets: readonly [string, string];
  modelTokens: number;
  /** Weight precisions of the onnxruntime whole-model rows: fp32 and q8 (int8, as transformers.js's q8 models). */
  modelDtypes: readonly ModelDtype[];
  /** [sequences, tokens each] of the onnxruntime whole-model calls. */
  onnxModelShapes: ReadonlyArray<readonly [number, number]>;
  /** tfjs backends for the training and model rows. */
  tfjsBackends: readonly TfjsBackend[];
  onnxThreads: readonly number[];
  /** Look for a WebGPU adapter for the header (and webgpu rows). */
  probeWebGpu: boolean;
  /** Run the webgpu kernels even when the only adapter emulates a GPU on the CPU (SwiftShader, llvmpipe). */
  webgpuOnCpuAdapter: boolean;
  /** A kernel whose next batch would take longer than this per call (predicted from its previous batch) skips it. */
  maxCallS: number;
  seed: number;
  /** The @ufbert/cmm WASM build to run ('auto': relaxed SIMD where the engine has it). */
  wasmBuild: 'auto' | 'simd' | 'relaxed-simd';
  /** The browser suite (headless Chromium): what it runs. */
  browser: BrowserSuiteOptions;
  /** Progress lines go here; silent when undefined. */
  log?: (line: string) => void;
}

export interface BrowserSuiteOptions {
  /** [sequences, tokens each] of the whole-model calls in the page. */
  shapes: ReadonlyArray<readonly [number, number]>;
  /** onnxruntime-web wasm threads, one page each (a page's thread count is fixed once onnxruntime-web starts). */
  threads: readonly number[];
  /** Rounds, the models alternating within each. */
  rounds: number;
  /** Tokens each model runs per shape and round (calls = this / tokens per call, at least 1). */
  tokensPerRound: number;
  /** Feedforward batches of the in-page kernel comparison. */
  kernelBatches: readonly number[];
  /** Hidden size of that comparison (FFF-1x11 against FF-3072). */
  kernelHidden: number;
  /**
   * Let @ufbert/cmm's pool measure in the page whether threads pay (its default): a row then
   * shows where they did not. Off in smoke runs, whose timings mean nothing but whose
   * 2-thread row must run on 2 threads.
   */
  kernelCalibrate: boolean;
  /** The most seconds one page action (a load, a round of calls) may take before the page is given up. */
  deadlineS: number;
}

const BROWSER_FULL: BrowserSuiteOptions = {
  shapes: [
    [1, 16],
    [1, 128],
    [8, 128],
  ],
  threads: [1, 2],
  rounds: 3,
  tokensPerRound: 512,
  kernelBatches: [1, 128],
  kernelHidden: 768,
  kernelCalibrate: true,
  deadlineS: 300,
};

const FULL_SWEEP: ReadonlyArray<readonly [number, number]> = [
  [1, 11],
  [2, 10],
  [4, 9],
  [8, 8],
  [16, 7],
  [32, 6],
];

const base = {
  denseWidths: [3072, 4095],
  sweep: FULL_SWEEP,
  onnxThreads: [1, 2],
  modelDtypes: ['fp32', 'q8'] as ModelDtype[],
  tfjsBackends: ['wasm'] as TfjsBackend[],
  probeWebGpu: true,
  webgpuOnCpuAdapter: false,
  seed: 20231122,
  wasmBuild: 'auto' as const,
  browser: BROWSER_FULL,
};

/** The defaults of each mode; the CLI overrides single fields. */
export function modeDefaults(mode: Mode, outDir: string): BenchOptions {
  switch (mode) {
    case 'full':
      return {
        ...base,
        mode,
        outDir,
        suites: SUITES,
        inputSize: 768,
        batches: [1, 16, 128, 1024],
        sweepBatch: 128,
        sweepFusedOnly: false,
        trainingBatch: 128,
        budgetS: 1,
        maxCallS: 30,
        modelBudgetS: 25,
        modelPresets: ['UltraFastBERT-1x11', 'crammedBERT-3072'],
        modelTokens: 128,
        onnxModelShapes: [
          [1, 128],
          [8, 128],
          [1, 16],
        ],
      };
    case 'quick':
      return {
        ...base,
        mode,
        outDir,
        suites: SUITES,
        inputSize: 768,
        batches: [1, 16, 128],
        denseWidths: [3072],
        sweepBatch: 128,
        sweepFusedOnly: true,
        trainingBatch: 128,
        budgetS: 0.4,
        maxCallS: 10,
        modelBudgetS: 4,
        modelPresets: ['UltraFastBERT-1x11', 'crammedBERT-3072'],
        modelTokens: 128,
        onnxModelShapes: [
          [1, 128],
          [8, 128],
          [1, 16],
        ],
        onnxThreads: [1, 2],
        browser: { ...BROWSER_FULL, rounds: 2, tokensPerRound: 128 },
      };
    case 'smoke':
      // Real K, D and N, tiny H: every code path in a few seconds, timings meaningless. The
      // browser suite starts Chromium: its smoke run is a test of its own (browser.test.ts).
      return {
        ...base,
        mode,
        outDir,
        suites: SUITES.filter((s) => s !== 'browser'),
        inputSize: 16,
        batches: [1, 4],
        sweepBatch: 4,
        sweepFusedOnly: true,
        trainingBatch: 4,
        budgetS: 0.001,
        maxCallS: 5,
        modelBudgetS: 0.001,
        modelPresets: ['UltraFastBERT-tiny-1x11', 'crammedBERT-tiny'],
        modelTokens: 8,
        onnxModelShapes: [
          [1, 8],
          [2, 8],
        ],
        probeWebGpu: false,
        browser: {
          shapes: [
            [1, 8],
            [2, 8],
          ],
          threads: [1, 2],
          rounds: 1,
          tokensPerRound: 1,
          kernelBatches: [1, 128],
          kernelHidden: 16,
          kernelCalibrate: false,
          deadlineS: 60,
        },
      };
  }
}
