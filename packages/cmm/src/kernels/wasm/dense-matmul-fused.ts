import { claimPrepared, kernelLabel, PreparedBase } from '../../prepared.js';
import type { DenseMatmulKernel, DenseShape } from '../../types.js';
import { checkBatch, checkDenseWeights, outputArray } from '../../validate.js';
import { wasmInstance, wasmSimdSupported, type WasmInstance } from '../../wasm/wasm-instance.js';
import { resolveThreadSettings, splitStart, startThreadPool, threadPool, type ThreadSettings } from '../../wasm/threads.js';
import { readRows } from './copy.js';

const identity = { kernelName: 'DenseMatmul', backend: 'wasm', level: 'fused' } as const;
const label = kernelLabel(identity);

/** Columns per packed panel; PANEL_WIDTH in assembly/dense.ts. */
const PANEL = 8;

/**
 * Packs the [cols, depth] row-major matrix m (a weight, row = output column) into
 * panels of 8 columns, panel p = [depth][8] contiguous: out[(p * depth + k) * 8 + j] = m[p * 8 + j, k].
 * Columns past `cols` are zero.
 */
function packPanels(m: Float32Array, cols: number, depth: number, view: Float32Array, at: number): void {
  const panels = Math.ceil(cols / PANEL);
  view.fill(0, at, at + panels * depth * PANEL);
  for (let c = 0; c < cols; c++) {
    const p = (c / PANEL) | 0;
    const base = at + p * depth * PANEL + (c % PANEL);
    const src = c * depth;
    for (let k = 0; k < depth; k++) view[base + k * PANEL] = m[src + k];
  }
}

/** Dense weights in WASM memory: wIn and wOut packed into 8-column panels, bias padded to whole panels. */
class WasmDensePrepared extends PreparedBase<DenseShape> {
  readonly hiddenPanels: number;
  readonly outputPanels: number;

  constructor(
    shape: DenseShape,
    readonly runtime: WasmInstance,
    readonly wIn: number,
    readonly bIn: number,
    readonly wOut: number,
    /** how this prepared instance uses threads (its own, from prepare's options) */
    readonly threads: ThreadSettings,
  ) {
    super(shape, label);
    this.hiddenPanels = Math.ceil(shape.hiddenSize / PANEL);
    this.outputPanels = Math.ceil(shape.outputSize / PANEL);
  }

  protected override release(): void {
    this.runtime.free(this.wIn);
    if (this.bIn) this.runtime.free(this.bIn);
    this.runtime.free(this.wOut);
  }
}

/**
 * Fused WebAssembly SIMD dense feedforward (assembly/dense.ts): two blocked products
 * on pre-packed weights, hidden = GELU(X wIn^T + bIn) with bias and GELU applied as
 * each output tile completes, then Y = hidden wOut^T. Large products are split by
 * panels across the shared thread pool, on the threads the prepared instance was given.
 */
export const denseMatmulWasmFused: DenseMatmulKernel = {
  ...identity,
  isSupported: wasmSimdSupported,
  prepare(weights, shape, threadOptions) {
    checkDenseWeights(weights, shape);
    const threads = resolveThreadSettings(threadOptions);
    const rt = wasmInstance();
    startThreadPool(threads);
    const { inputSize: h, hiddenSize: m, outputSize: o } = shape;
    const hiddenPanels = Math.ceil(m / PANEL);
    const outputPanels = Math.ceil(o / PANEL);
    const wIn = rt.alloc(hiddenPanels * PANEL * h * 4);
    const bIn = weights.bIn ? rt.alloc(hiddenPanels * PANEL * 4) : 0;
    const wOut = rt.alloc(outputPanels * PANEL * m * 4);
    const view = rt.f32;
    packPanels(weights.wIn.values, m, h, view, wIn >> 2);
    packPanels(weights.wOut.values, o, m, view, wOut >> 2);
    if (weights.bIn) {
      view.fill(0, bIn >> 2, (bIn >> 2) + hiddenPanels * PANEL);
      view.set(weights.bIn.values, bIn >> 2);
    }
    return new WasmDensePrepared({ ...shape }, rt, wIn, bIn, wOut, threads);
  },
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, WasmDensePrepared, label);
    const { inputSize: h, hiddenSize: m, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    if (options.out) outputArray(options.out, batch, o, false);
    if (batch === 0) return { y: options.out ?? new Float32Array(0) };
    const rt = p.runtime;
    const hiddenStride = p.hiddenPanels * PANEL;
    const outStride = p.outputPanels * PANEL;
    const xAt = rt.scratch('dense.x', batch * h * 4);
    const hiddenAt = rt.scratch('dense.hidden', batch * hiddenStride * 4);
    const yAt = rt.scratch('dense.y', batch * outStride * 4);
    const view = rt.f32;
    view.set(x, xAt >> 2);
    const settings = p.threads;
    const pool = batch * m * (h + o) >= settings.minDenseWork && settings.threads > 1 ? threadPool(settings) : undefined;
    const threads = pool ? Math.min(pool.size, settings.threads) : 1;
    const gemm = (a: number, lda: number, packed: number, depth: number, panels: number, c: number, ldc: number, bias: number, gelu: number): void => {
      if (threads > 1) {
        const parts = Math.min(threads, panels);
        pool!.run('gemmPacked', (i) =>
          i < parts ? [a, lda, batch, packed, depth, splitStart(panels, parts, i), splitStart(panels, parts, i + 1), c, ldc, bias, gelu] : undefined,
        );
      } else {
        rt.exports.gemmPacked(a, lda, batch, packed, depth, 0, panels, c, ldc, bias, gelu);
      }
    };
    gemm(xAt, h, p.wIn, h, p.hiddenPanels, hiddenAt, hiddenStride, p.bIn, 1);
    gemm(hiddenAt, hiddenStride, p.wOut, m, p.outputPanels, yAt, outStride, 0, 0);
    return { y: readRows(view, yAt >> 2, batch, o, outStride, options.out) };
  },
};
