import { claimPrepared, kernelLabel, PreparedBase } from '../../prepared.js';
import { checkQuantizedWeights, quantizeConditional } from '../../quantize.js';
import type { ConditionalMatmulKernel, ConditionalShape, QuantizedConditionalWeights, ThreadOptions } from '../../types.js';
import { wasmInstance, wasmSimdSupported, type WasmInstance } from '../../wasm/wasm-instance.js';
import { resolveThreadSettings, startThreadPool, type ThreadSettings } from '../../wasm/threads.js';
import { runConditionalCall, type CallBuffers, type CallLayout, type ConditionalShares } from './conditional-call.js';

const identity = { kernelName: 'ConditionalMatmul', backend: 'wasm', level: 'fused', dtype: 'q8' } as const;
const label = kernelLabel(identity);

/** Bytes (int8 values) per row once padded to whole 16-byte vectors. */
const padded16 = (width: number): number => Math.ceil(width / 16) * 16;

/**
 * q8 FFF weights in WASM memory: wIn [N, hb] and wOut^T [N, ob] int8 rows padded with zeros to
 * whole vectors, their scales, bIn, and the sum of each wIn row (the relaxed build's dot
 * subtracts 64 times it, see assembly/conditional-q8.ts).
 */
class WasmQ8Prepared extends PreparedBase<ConditionalShape> implements CallLayout, ConditionalShares {
  /** bytes per padded int8 row of wIn and of wOut^T; also the floats per row of x and y in WASM memory */
  readonly hb: number;
  readonly ob: number;
  readonly xStride: number;
  readonly yStride: number;
  readonly visits: number;
  readonly scratchBytes: number;
  /** 1 where the walk may use relaxed SIMD's int8 dot (relaxedDotWorks), else 0: the portable dot */
  readonly useRelaxedDot: number;

  constructor(
    shape: ConditionalShape,
    readonly runtime: WasmInstance,
    /** byte addresses: wIn, wScale, rowSum, bIn, wOutT, oScale */
    readonly tables: readonly [number, number, number, number, number, number],
    readonly threads: ThreadSettings,
  ) {
    super(shape, label);
    this.hb = padded16(shape.inputSize);
    this.ob = padded16(shape.outputSize);
    this.xStride = this.hb;
    this.yStride = this.ob;
    this.visits = shape.trees * (shape.depth + 1);
    this.scratchBytes = Math.ceil(runtime.exports.conditionalQ8ScratchBytes(shape.trees, shape.depth, this.hb) / 64) * 64;
    this.useRelaxedDot = relaxedDotWorks(runtime) ? 1 : 0;
  }

  readonly workerFunction = 'conditionalTokensQ8' as const;

  workerArgs(at: CallBuffers, b0: number, b1: number, scratch: number): number[] {
    return [...this.tables, this.hb, this.ob, this.shape.trees, this.shape.depth, at.x, at.y, at.nodes, at.logits, b0, b1, scratch, this.useRelaxedDot];
  }

  runShare(at: CallBuffers, b0: number, b1: number): void {
    const [wIn, wScale, rowSum, bIn, wOutT, oScale] = this.tables;
    const { trees, depth } = this.shape;
    this.runtime.exports.conditionalTokensQ8(
      wIn,
      wScale,
      rowSum,
      bIn,
      wOutT,
      oScale,
      this.hb,
      this.ob,
      trees,
      depth,
      at.x,
      at.y,
      at.nodes,
      at.logits,
      b0,
      b1,
      at.scratch,
      this.useRelaxedDot,
    );
  }

  protected override release(): void {
    for (const at of this.tables) this.runtime.free(at);
  }
}

const probed = new WeakMap<WasmInstance, boolean>();
/** Operands of the probe: int8 a, 7-bit b (top bit clear), i32 accumulator. */
const PROBE_A = [-127, -5, 3, 100, -1, -2, -3, -4, 1, 2, 3, 4, 5, 6, 7, -128];
const PROBE_B = [1, 127, 64, 2, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
const PROBE_ACC = [1, -2, 3, -4];

/**
 * Whether the runtime's build has relaxed SIMD and its i32x4.relaxed_dot_i8x16_i7x16_add_s
 * gives the spec's sums on a 7-bit second operand. Node 20's V8 (with
 * --experimental-wasm-relaxed-simd) gives twice them in its baseline compiler, where every
 * function starts; there the q8 walk uses the portable dot, which computes the same integers.
 */
export function relaxedDotWorks(rt: WasmInstance): boolean {
  let works = probed.get(rt);
  if (works !== undefined) return works;
  const at = rt.scratch('relaxed-dot-probe', 64);
  const bytes = new Int8Array(rt.memory.buffer, at, 48);
  bytes.set(PROBE_A, 0);
  bytes.set(PROBE_B, 16);
  new Int32Array(rt.memory.buffer, at + 32, 4).set(PROBE_ACC);
  rt.exports.relaxedDotProbe(at);
  const got = new Int32Array(rt.memory.buffer, at + 48, 4);
  const want = PROBE_ACC.map((c, k) => c + [0, 1, 2, 3].reduce((s, j) => s + PROBE_A[4 * k + j] * PROBE_B[4 * k + j], 0));
  works = rt.build === 'relaxed-simd' && want.every((v, k) => got[k] === v);
  probed.set(rt, works);
  return works;
}

function prepareTables(tables: QuantizedConditionalWeights, shape: ConditionalShape, neurons: number, threadOptions?: ThreadOptions): WasmQ8Prepared {
  const threads = resolveThreadSettings(threadOptions);
  const rt = wasmInstance();
  startThreadPool(threads);
  const { inputSize: h, outputSize: o } = shape;
  const hb = padded16(h);
  const ob = padded16(o);
  const wIn = rt.alloc(neurons * hb);
  const wScale = rt.alloc(neurons * 4);
  const rowSum = rt.alloc(neurons * 4);
  const bIn = rt.alloc(neurons * 4);
  const wOutT = rt.alloc(neurons * ob);
  const oScale = rt.alloc(neurons * 4);
  // views after every alloc: an alloc may grow the memory and detach older views
  const bytes = new Int8Array(rt.memory.buffer);
  const sums = new Int32Array(neurons);
  for (let i = 0; i < neurons; i++) {
    const row = tables.wIn.subarray(i * h, (i + 1) * h);
    bytes.set(row, wIn + i * hb);
    bytes.fill(0, wIn + i * hb + h, wIn + (i + 1) * hb);
    bytes.set(tables.wOutT.subarray(i * o, (i + 1) * o), wOutT + i * ob);
    bytes.fill(0, wOutT + i * ob + o, wOutT + (i + 1) * ob);
    let s = 0;
    for (let j = 0; j < h; j++) s += row[j];
    sums[i] = s;
  }
  rt.f32.set(tables.wInScale, wScale >> 2);
  rt.i32.set(sums, rowSum >> 2);
  rt.f32.set(tables.bIn, bIn >> 2);
  rt.f32.set(tables.wOutScale, oScale >> 2);
  return new WasmQ8Prepared({ ...shape }, rt, [wIn, wScale, rowSum, bIn, wOutT, oScale], threads);
}

/**
 * Fused WebAssembly kernel on int8 weights (assembly/conditional-q8.ts): the fp32 kernel's
 * tiled walk, with each tile's activations quantized per token to 7 bits, integer dots
 * (relaxed SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s in the relaxed build, i16 widening
 * and i32x4.dot_i16x8_s otherwise, the same integers either way) and each token's output one
 * integer sum of its int8 rows on i16 coefficient levels. Reads a quarter of the fp32
 * kernel's weight bytes. Batches of at least `minConditionalBatch` tokens are split across
 * the thread pool as the fp32 kernel's are. The same bits as conditionalMatmulTsQ8.
 */
export const conditionalMatmulWasmQ8: ConditionalMatmulKernel = {
  ...identity,
  isSupported: wasmSimdSupported,
  prepare(weights, shape, threadOptions) {
    const tables = quantizeConditional(weights, shape);
    return prepareTables(tables, shape, tables.bIn.length, threadOptions);
  },
  prepareQuantized(tables, shape, threadOptions) {
    return prepareTables(tables, shape, checkQuantizedWeights(tables, shape), threadOptions);
  },
  run(prepared, x, batch, options = {}) {
    return runConditionalCall(claimPrepared(prepared, WasmQ8Prepared, label), 'conditional-q8', x, batch, options);
  },
};
