import { transpose } from '../../layout.js';
import { claimPrepared, kernelLabel, PreparedBase } from '../../prepared.js';
import type { ConditionalMatmulKernel, ConditionalShape } from '../../types.js';
import { checkConditionalWeights } from '../../validate.js';
import { wasmInstance, wasmSimdSupported, type WasmInstance } from '../../wasm/wasm-instance.js';
import { resolveThreadSettings, startThreadPool, threadPool, type ThreadSettings } from '../../wasm/threads.js';
import { padded, writeRows } from './copy.js';
import { runConditionalCall, type CallBuffers, type CallLayout, type ConditionalShares } from './conditional-call.js';
import { nodesPerTree } from '../../tree.js';
import { UfbertError } from '@ufbert/tensor';

const identity = { kernelName: 'ConditionalMatmul', backend: 'wasm', level: 'fused' } as const;
const label = kernelLabel(identity);
/**
 * What `prefetch` may read: the rows it warms must still be in the cache when the call
 * comes, next to what the caller does meanwhile, so a few MB of the 32 MB an L3 holds.
 */
const PREFETCH_BYTES = 4 << 20;

/** FFF weights in WASM memory: wIn [N, H'] and wOut^T [N, O'] with rows padded to whole f32x4 vectors, bIn [N]. */
class WasmConditionalPrepared extends PreparedBase<ConditionalShape> implements CallLayout, ConditionalShares {
  /** f32x4 vectors per padded row of wIn and of wOut^T */
  readonly hv: number;
  readonly ov: number;
  readonly xStride: number;
  readonly yStride: number;
  readonly visits: number;
  readonly scratchBytes: number;

  constructor(
    shape: ConditionalShape,
    readonly runtime: WasmInstance,
    readonly wIn: number,
    readonly bIn: number,
    readonly wOutT: number,
    readonly threads: ThreadSettings,
  ) {
    super(shape, label);
    this.hv = padded(shape.inputSize) / 4;
    this.ov = padded(shape.outputSize) / 4;
    this.xStride = this.hv * 4;
    this.yStride = this.ov * 4;
    this.visits = shape.trees * (shape.depth + 1);
    // whole cache lines, so threads never write to the same line
    this.scratchBytes = Math.ceil(runtime.exports.conditionalScratchBytes(shape.trees, shape.depth) / 64) * 64;
  }

  readonly workerFunction = 'conditionalTokens' as const;

  workerArgs(at: CallBuffers, b0: number, b1: number, scratch: number): number[] {
    return [this.wIn, this.bIn, this.wOutT, this.hv, this.ov, this.shape.trees, this.shape.depth, at.x, at.y, at.nodes, at.logits, b0, b1, scratch];
  }

  runShare(at: CallBuffers, b0: number, b1: number): void {
    this.runtime.exports.conditionalTokens(
      this.wIn,
      this.bIn,
      this.wOutT,
      this.hv,
      this.ov,
      this.shape.trees,
      this.shape.depth,
      at.x,
      at.y,
      at.nodes,
      at.logits,
      b0,
      b1,
      at.scratch,
    );
  }

  protected override release(): void {
    this.runtime.free(this.wIn);
    this.runtime.free(this.bIn);
    this.runtime.free(this.wOutT);
  }
}

/**
 * Fused WebAssembly SIMD kernel (assembly/conditional.ts): tiles of tokens walk the trees
 * level by level, tokens at the same node share each load of its weight row, dots
 * add eight f32x4 products per loop-carried add, and each token's output is one
 * register-blocked sum of its k(d+1) rows of wOut^T, in passes of 16 rows. Batches of
 * at least `minConditionalBatch` tokens are split across the shared thread pool, on the
 * threads the prepared instance was given (prepare's ThreadOptions).
 */
export const conditionalMatmulWasmFused: ConditionalMatmulKernel = {
  ...identity,
  isSupported: wasmSimdSupported,
  prepare(weights, shape, threadOptions) {
    const neurons = checkConditionalWeights(weights, shape);
    const threads = resolveThreadSettings(threadOptions);
    const rt = wasmInstance();
    startThreadPool(threads);
    const { inputSize: h, outputSize: o } = shape;
    const hp = padded(h);
    const op = padded(o);
    const wIn = rt.alloc(neurons * hp * 4);
    const bIn = rt.alloc(neurons * 4);
    const wOutT = rt.alloc(neurons * op * 4);
    const view = rt.f32;
    writeRows(view, wIn >> 2, weights.wIn.values, neurons, h, hp);
    view.set(weights.bIn.values, bIn >> 2);
    writeRows(view, wOutT >> 2, transpose(weights.wOut.values, o, neurons), neurons, o, op);
    return new WasmConditionalPrepared({ ...shape }, rt, wIn, bIn, wOutT, threads);
  },
  run(prepared, x, batch, options = {}) {
    return runConditionalCall(claimPrepared(prepared, WasmConditionalPrepared, label), 'conditional', x, batch, options);
  },
  prefetch(prepared, batch) {
    const p = claimPrepared(prepared, WasmConditionalPrepared, label);
    if (!Number.isInteger(batch) || batch < 0) throw new UfbertError(`${label}.prefetch: batch must be a non-negative integer, got ${batch}`);
    const settings = p.threads;
    // Only where run will use the pool: its worker is the thread that would otherwise idle.
    if (batch < settings.minConditionalBatch || settings.threads < 2) return;
    const pool = threadPool(settings);
    const top = prefetchNodesPerTree(p.shape, batch);
    if (!pool || pool.size < 2 || top === 0) return;
    const sink = p.runtime.scratch('prefetch', 64);
    pool.offer(1, 'touchTreeTops', [p.wIn, p.bIn, p.wOutT, p.hv, p.ov, p.shape.trees, nodesPerTree(p.shape.depth), top, sink]);
  },
};

/**
 * Nodes per tree that `prefetch` warms: whole levels from the root down, each level of 2^l
 * nodes only while a batch of `batch` tokens is expected to visit most of it (2^l <= batch,
 * at least 1 - 1/e of its nodes under uniform routing), within PREFETCH_BYTES.
 */
export function prefetchNodesPerTree(shape: ConditionalShape, batch: number): number {
  const bytesPerNode = (padded(shape.inputSize) + padded(shape.outputSize) + 1) * 4;
  let top = 0;
  for (let level = 0; level <= shape.depth && 2 ** level <= batch; level++) {
    const next = top + 2 ** level;
    if (next * shape.trees * bytesPerNode > PREFETCH_BYTES) break;
    top = next;
  }
  return top;
}
