// What the bench page and the Node side say to each other through page.evaluate: the
// page's API on `window.ufbertBrowserBench`, its arguments and answers. Types only.

/** onnxruntime-web's execution providers the bench runs. */
export type PageEp = 'wasm' | 'webgpu';

export interface PageInfo {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  userAgent: string;
  /** The WebGPU adapter's vendor and architecture, or why there is none. */
  webgpu: { adapter?: string; reason?: string };
}

export interface PageSetup {
  ep: PageEp;
  threads: number;
}

/** A whole-model call: `sequences` x `tokens` ids below `vocab`. */
export interface ModelCall {
  model: string;
  sequences: number;
  tokens: number;
  vocab: number;
  calls: number;
}

/** The FFF layer's weights for @ufbert/cmm, one file of float32: linear_in.weight [N, H], linear_in.bias [N], linear_out.weight [H, N]. */
export interface KernelSetup {
  hidden: number;
  depth: number;
  fffWeightsFile: string;
  denseFile: string;
}

export type KernelSide = 'cmm-fff' | 'onnxruntime-web-ff';

/** @ufbert/cmm's thread pool in the page, once started for the threads asked (threadPoolStatus, with what starting it cost). */
export interface CmmThreads {
  /** Threads the kernel's calls of at least `minConditionalBatch` tokens run on. */
  threads: number;
  state: string;
  reason?: string;
  minConditionalBatch: number;
  /** From the thread options' change to the pool's readiness (workers started, calibration done). */
  startMs: number;
  /** The longest the page's main thread went without running a task meanwhile (a calibration measurement). */
  longestBlockMs: number;
}

export interface BrowserBenchPage {
  /** Set once the page's script has loaded. */
  ready: true;
  info(): Promise<PageInfo>;
  /** Loads onnxruntime-web for the EP with `threads` wasm threads (fixed for the page's life); its version. */
  setup(setup: PageSetup): Promise<string>;
  /** `profile`: with onnxruntime-web's profiler on, which prints its events to the console (the driver collects them). */
  loadModel(name: string, file: string, profile?: boolean): Promise<void>;
  /** Ends the profile of a session loaded with `profile`: the last events reach the console. */
  endProfiling(name: string): Promise<void>;
  releaseModel(name: string): Promise<void>;
  /** Milliseconds of each of `calls` calls. */
  timeModel(call: ModelCall): Promise<number[]>;
  loadKernels(setup: KernelSetup): Promise<string>;
  /** Starts @ufbert/cmm's thread pool for `threads` threads (Web Workers; 1: none), calibrated or not, and says what it runs on. */
  cmmThreads(threads: number, calibrate: boolean): Promise<CmmThreads>;
  /** Milliseconds per call: `samples` means of `calls` calls each. */
  timeKernel(side: KernelSide, batch: number, calls: number, samples: number): Promise<number[]>;
}

declare global {
  interface Window {
    ufbertBrowserBench?: BrowserBenchPage;
  }
}
