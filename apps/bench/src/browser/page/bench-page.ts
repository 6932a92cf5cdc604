// The bench page: runs in headless Chromium, served by bench-server.ts. It times
// onnxruntime-web sessions and @ufbert/cmm's wasm kernel as the Node side asks
// (protocol.ts); the Node side alternates the models and keeps the deadlines.
import type * as Ort from 'onnxruntime-web';
import {
  initWasm,
  listKernels,
  nodesPerTree,
  resolveThreadSettings,
  threadPoolReady,
  threadPoolStatus,
  type ConditionalMatmulKernel,
  type ConditionalShape,
  type ConditionalWeights,
  type PreparedConditional,
  type ThreadSettings,
} from '@ufbert/cmm';
import type { BrowserBenchPage, KernelSetup, KernelSide, ModelCall, PageInfo, PageSetup } from '../protocol.js';

const ORT_DIST = '/modules/onnxruntime-web/dist/';
/** The wasm-only build for the wasm EP; the WebGPU build (JSEP) only where WebGPU is asked for. */
const ORT_BUNDLE = { wasm: 'ort.wasm.min.mjs', webgpu: 'ort.webgpu.min.mjs' } as const;

let ort: typeof Ort | undefined;
let ep: PageSetup['ep'] = 'wasm';
const sessions = new Map<string, Ort.InferenceSession>();
let kernels:
  | {
      cmm: ConditionalMatmulKernel;
      weights: ConditionalWeights;
      shape: ConditionalShape;
      prepared: PreparedConditional;
      hidden: number;
      dense: Ort.InferenceSession;
    }
  | undefined;
/** The threads the cmm kernel is prepared with: its own, set by cmmThreads (the defaults until then). */
let cmmThreadSettings: ThreadSettings = resolveThreadSettings();

async function fetchBytes(file: string): Promise<Uint8Array> {
  const response = await fetch(`/models/${file}`);
  if (!response.ok) throw new Error(`GET /models/${file}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function runtime(): typeof Ort {
  if (!ort) throw new Error('setup() first');
  return ort;
}

async function webgpuInfo(): Promise<PageInfo['webgpu']> {
  const gpu = (
    navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string; description: string } } | null> } }
  ).gpu;
  if (!gpu) return { reason: 'navigator.gpu is undefined' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { reason: 'requestAdapter() returned null' };
    // GPUAdapter.info is newer than the DOM types this repo builds against
    const info = (adapter as unknown as { info?: { vendor: string; architecture: string; description: string } }).info;
    return { adapter: info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter' : 'unnamed adapter' };
  } catch (err) {
    return { reason: (err as Error).message };
  }
}

/** Uniform ids below `vocab` (the timings do not depend on which). */
function randomIds(count: number, vocab: number): BigInt64Array {
  const ids = new BigInt64Array(count);
  for (let i = 0; i < count; i++) ids[i] = BigInt(Math.floor(Math.random() * vocab));
  return ids;
}

function randomInputs(count: number): Float32Array {
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

async function timed(calls: number, call: () => Promise<unknown> | unknown): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call();
    ms.push(performance.now() - start);
  }
  return ms;
}

/**
 * `samples` means of `calls` calls each: a kernel call at B = 1 takes a few µs, under the
 * resolution of performance.now (5 µs in an isolated page), so its calls are timed in loops.
 */
async function loops(samples: number, calls: number, call: () => Promise<unknown> | unknown): Promise<number[]> {
  const ms: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await call();
    ms.push((performance.now() - start) / calls);
  }
  return ms;
}

const page: BrowserBenchPage = {
  ready: true,

  async info() {
    return { crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent, webgpu: await webgpuInfo() };
  },

  async setup(setup) {
    // onnxruntime-web quietly runs one thread where SharedArrayBuffer is missing: a row
    // labelled 2 threads would then be a 1-thread figure, so the page refuses instead.
    if (setup.threads > 1 && !crossOriginIsolated) throw new Error(`not cross-origin isolated: ${setup.threads} wasm threads need COOP/COEP headers`);
    ort = (await import(`${ORT_DIST}${ORT_BUNDLE[setup.ep]}`)) as typeof Ort;
    ort.env.wasm.wasmPaths = ORT_DIST;
    ort.env.wasm.numThreads = setup.threads;
    ort.env.wasm.proxy = false;
    ep = setup.ep;
    return ort.env.versions.web ?? 'unknown';
  },

  async loadModel(name, file, profile = false) {
    const bytes = await fetchBytes(file);
    // onnxruntime-web's wasm profiler starts with the session and prints its events to the console
    sessions.set(name, await runtime().InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all', enableProfiling: profile }));
  },

  async endProfiling(name) {
    const session = sessions.get(name);
    if (!session) throw new Error(`no model ${name} loaded`);
    session.endProfiling();
  },

  async releaseModel(name) {
    await sessions.get(name)?.release();
    sessions.delete(name);
  },

  async timeModel(call: ModelCall) {
    const session = sessions.get(call.model);
    if (!session) throw new Error(`no model ${call.model} loaded`);
    const { Tensor } = runtime();
    const dims = [call.sequences, call.tokens];
    const count = call.sequences * call.tokens;
    const feeds = {
      input_ids: new Tensor('int64', randomIds(count, call.vocab), dims),
      attention_mask: new Tensor('int64', new BigInt64Array(count).fill(1n), dims),
    };
    return timed(call.calls, async () => {
      const out = await session.run(feeds);
      for (const t of Object.values(out)) t.dispose();
    });
  },

  async loadKernels(setup: KernelSetup) {
    await initWasm();
    const cmm = listKernels('ConditionalMatmul', ['wasm']).find((k) => k.level === 'fused' && k.isSupported());
    if (!cmm) throw new Error('@ufbert/cmm has no fused wasm ConditionalMatmul that runs in this page');
    const n = nodesPerTree(setup.depth);
    const h = setup.hidden;
    const all = new Float32Array((await fetchBytes(setup.fffWeightsFile)).buffer);
    if (all.length !== n * h * 2 + n) throw new Error(`expected ${n * h * 2 + n} floats of FFF weights, got ${all.length}`);
    const weights = {
      wIn: { values: all.subarray(0, n * h), shape: [n, h] },
      bIn: { values: all.subarray(n * h, n * h + n), shape: [n] },
      wOut: { values: all.subarray(n * h + n), shape: [h, n] },
    };
    const shape = { trees: 1, depth: setup.depth, inputSize: h, outputSize: h };
    const prepared = cmm.prepare(weights, shape, cmmThreadSettings);
    const dense = await runtime().InferenceSession.create(await fetchBytes(setup.denseFile), { executionProviders: [ep], graphOptimizationLevel: 'all' });
    kernels = { cmm, weights, shape, prepared, hidden: h, dense };
    return `${cmm.kernelName}/${cmm.backend}/${cmm.level}`;
  },

  async cmmThreads(threads, calibrate) {
    const start = performance.now();
    // a task every turn of the event loop: the longest gap between two is the longest the main thread was held
    let longestBlockMs = 0;
    let last = start;
    let ticking = true;
    const tick = () => {
      const now = performance.now();
      longestBlockMs = Math.max(longestBlockMs, now - last);
      last = now;
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    cmmThreadSettings = resolveThreadSettings({ threads, calibrate });
    // kernels loaded already run on the threads they were prepared with: prepare them again
    if (kernels) {
      kernels.prepared.dispose();
      kernels.prepared = kernels.cmm.prepare(kernels.weights, kernels.shape, cmmThreadSettings);
    }
    await threadPoolReady(cmmThreadSettings);
    const startMs = performance.now() - start;
    ticking = false;
    const status = threadPoolStatus(cmmThreadSettings);
    return { ...status, minConditionalBatch: cmmThreadSettings.minConditionalBatch, startMs, longestBlockMs };
  },

  async timeKernel(side: KernelSide, batch: number, calls: number, samples: number) {
    if (!kernels) throw new Error('loadKernels() first');
    const { cmm, prepared, hidden, dense } = kernels;
    const x = randomInputs(batch * hidden);
    if (side === 'cmm-fff') {
      const out = new Float32Array(batch * hidden);
      return loops(samples, calls, () => cmm.run(prepared, x, batch, { out }));
    }
    const feeds = { x: new (runtime().Tensor)('float32', x, [batch, hidden]) };
    return loops(samples, calls, async () => (await dense.run(feeds)).y.dispose());
  },
};

window.ufbertBrowserBench = page;
document.getElementById('status')!.textContent = 'ready';
