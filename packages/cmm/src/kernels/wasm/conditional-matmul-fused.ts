import { transpose } from '../../layout.js';
import { claimPrepared, kernelLabel, PreparedBase } from '../../prepared.js';
import type { ConditionalMatmulKernel, ConditionalShape } from '../../types.js';
import { checkBatch, checkConditionalWeights, outputArray } from '../../validate.js';
import { wasmRuntime, wasmSimdSupported, type WasmRuntime } from '../../wasm/runtime.js';
import { currentThreadSettings, splitStart, threadPool } from '../../wasm/threads.js';
import { padded, readRows, writeRows } from './copy.js';

const identity = { kernelName: 'ConditionalMatmul', backend: 'wasm', level: 'fused' } as const;
const label = kernelLabel(identity);

/** FFF weights in WASM memory: wIn [N, H'] and wOut^T [N, O'] with rows padded to whole f32x4 vectors, bIn [N]. */
class WasmConditionalPrepared extends PreparedBase<ConditionalShape> {
  /** f32x4 vectors per padded row of wIn and of wOut^T */
  readonly hv: number;
  readonly ov: number;
  readonly visits: number;
  /** bytes of per-thread scratch the kernel needs */
  readonly scratchBytes: number;

  constructor(
    shape: ConditionalShape,
    readonly runtime: WasmRuntime,
    readonly wIn: number,
    readonly bIn: number,
    readonly wOutT: number,
  ) {
    super(shape, label);
    this.hv = padded(shape.inputSize) / 4;
    this.ov = padded(shape.outputSize) / 4;
    this.visits = shape.trees * (shape.depth + 1);
    // whole cache lines, so threads never write to the same line
    this.scratchBytes = Math.ceil(runtime.exports.conditionalScratchBytes(shape.trees, shape.depth) / 64) * 64;
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
 * use four f32x4 accumulators, and each token's output is one register-blocked sum
 * of its k(d+1) rows of wOut^T. Batches of at least `minConditionalBatch` tokens are
 * split across the thread pool in Node (see configureThreads).
 */
export const conditionalMatmulWasmFused: ConditionalMatmulKernel = {
  ...identity,
  isSupported: wasmSimdSupported,
  prepare(weights, shape) {
    const neurons = checkConditionalWeights(weights, shape);
    const rt = wasmRuntime();
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
    return new WasmConditionalPrepared({ ...shape }, rt, wIn, bIn, wOutT);
  },
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, WasmConditionalPrepared, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    if (options.out) outputArray(options.out, batch, o, false);
    const { hv, ov, visits, scratchBytes } = p;
    if (batch === 0) return { y: options.out ?? new Float32Array(0), nodes: options.returnNodes ? new Int32Array(0) : undefined };
    const rt = p.runtime;
    const settings = currentThreadSettings();
    const pool = batch >= settings.minConditionalBatch && settings.threads > 1 ? threadPool() : undefined;
    const threads = pool ? Math.min(pool.size, settings.threads, batch) : 1;
    const xAt = rt.scratch('conditional.x', batch * hv * 16);
    const yAt = rt.scratch('conditional.y', batch * ov * 16);
    const nodesAt = rt.scratch('conditional.nodes', batch * visits * 4);
    const logitsAt = rt.scratch('conditional.logits', batch * visits * 4);
    const scratchAt = rt.scratch('conditional.threads', threads * scratchBytes);
    const view = rt.f32;
    writeRows(view, xAt >> 2, x, batch, h, hv * 4);
    if (threads > 1) {
      pool!.run('conditionalTokens', (i) =>
        i < threads
          ? [p.wIn, p.bIn, p.wOutT, hv, ov, trees, depth, xAt, yAt, nodesAt, logitsAt, splitStart(batch, threads, i), splitStart(batch, threads, i + 1), scratchAt + i * scratchBytes]
          : undefined,
      );
    } else {
      rt.exports.conditionalTokens(p.wIn, p.bIn, p.wOutT, hv, ov, trees, depth, xAt, yAt, nodesAt, logitsAt, 0, batch, scratchAt);
    }
    const y = readRows(view, yAt >> 2, batch, o, ov * 4, options.out);
    const nodes = options.returnNodes ? new Int32Array(view.buffer, nodesAt, batch * visits).slice() : undefined;
    return { y, nodes };
  },
};
