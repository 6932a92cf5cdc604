// The buffers of one conditional inference call in WASM memory, shared by the fp32 and q8
// kernels: inputs copied in as padded f32 rows, outputs copied out, visited nodes and
// logits, and a scratch area per thread.
import type { ConditionalResult, ConditionalRunOptions, ConditionalShape } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';
import type { WasmInstance } from '../../wasm/wasm-instance.js';
import { splitStart, threadPool, type PoolFunction, type ThreadSettings } from '../../wasm/threads.js';
import { readRows, writeRows } from './copy.js';

/** The caller's share of a split batch, relative to a worker's 1: it also copies the inputs and outputs. */
const MAIN_SHARE = 0.8;

/** Byte addresses of one call's buffers in WASM memory. */
export interface CallBuffers {
  x: number;
  y: number;
  nodes: number;
  logits: number;
  /** per-thread scratch, `scratchBytes` each */
  scratch: number;
}

/** What a kernel's prepared weights say about its calls' buffers. */
export interface CallLayout {
  readonly runtime: WasmInstance;
  readonly shape: ConditionalShape;
  /** floats per row of x and of y in WASM memory (rows padded to whole vectors) */
  readonly xStride: number;
  readonly yStride: number;
  /** trees * (depth + 1) */
  readonly visits: number;
  /** bytes of scratch per thread, whole cache lines, so threads never write to the same line */
  readonly scratchBytes: number;
  /** how this prepared instance uses threads (its own, from prepare's options) */
  readonly threads: ThreadSettings;
}

const roundUp64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** One scratch slot (named `slot`) holds every buffer of a call: one lookup per call, which matters at B = 1. */
export function callBuffers(p: CallLayout, slot: string, batch: number, threads: number): CallBuffers {
  const xBytes = roundUp64(batch * p.xStride * 4);
  const yBytes = roundUp64(batch * p.yStride * 4);
  const visitBytes = roundUp64(batch * p.visits * 4);
  const base = p.runtime.scratch(slot, xBytes + yBytes + 2 * visitBytes + threads * p.scratchBytes);
  const y = base + xBytes;
  const nodes = y + yBytes;
  const logits = nodes + visitBytes;
  return { x: base, y, nodes, logits, scratch: logits + visitBytes };
}

/** Tokens [b0, b1) of x [B, h] into the call's padded rows. */
export function copyIn(p: CallLayout, at: CallBuffers, x: Float32Array, h: number, b0: number, b1: number): void {
  writeRows(p.runtime.f32, (at.x >> 2) + b0 * p.xStride, b0 === 0 && b1 * h === x.length ? x : x.subarray(b0 * h, b1 * h), b1 - b0, h, p.xStride);
}

/** Tokens [b0, b1) of the call's padded output rows into y [B, o]. */
export function copyOut(p: CallLayout, at: CallBuffers, y: Float32Array, o: number, b0: number, b1: number): void {
  readRows(p.runtime.f32, (at.y >> 2) + b0 * p.yStride, b1 - b0, o, p.yStride, b0 === 0 && b1 * o === y.length ? y : y.subarray(b0 * o, b1 * o));
}

/** How a kernel's exported walk runs a share [b0, b1) of a call's tokens: on a pool worker, or on the calling thread. */
export interface ConditionalShares {
  /** The pool function a worker runs its share with. */
  readonly workerFunction: PoolFunction;
  /** Its arguments for tokens [b0, b1) with the scratch at `scratch`. */
  workerArgs(at: CallBuffers, b0: number, b1: number, scratch: number): number[];
  /** Tokens [b0, b1) on the calling thread, with thread 0's scratch. */
  runShare(at: CallBuffers, b0: number, b1: number): void;
}

/**
 * One conditional inference call of the fp32 or the q8 kernel (they differ only in their
 * walk): x copied in, the batch split across the thread pool from `minConditionalBatch`
 * tokens (the prepared instance's threads), y copied out, the visited nodes read back if asked for.
 */
export function runConditionalCall(
  p: CallLayout & ConditionalShares,
  slot: string,
  x: Float32Array,
  batch: number,
  options: ConditionalRunOptions,
): ConditionalResult {
  const { inputSize: h, outputSize: o } = p.shape;
  checkBatch('x', x, batch, h);
  if (options.out) outputArray(options.out, batch, o, false);
  if (batch === 0) return { y: options.out ?? new Float32Array(0), nodes: options.returnNodes ? new Int32Array(0) : undefined };
  const settings = p.threads;
  const pool = batch >= settings.minConditionalBatch && settings.threads > 1 ? threadPool(settings) : undefined;
  const threads = pool ? Math.min(pool.size, settings.threads, batch) : 1;
  if (threads > 1) pool!.wake();
  const at = callBuffers(p, slot, batch, threads);
  const y = options.out ?? new Float32Array(batch * o);
  if (threads > 1) {
    // Each worker starts as soon as its rows are in; the caller copies the rest in
    // and all outputs out, so its own share is the smaller one.
    const parts = threads - 1 + MAIN_SHARE;
    for (let i = 1; i < threads; i++) {
      const b0 = splitStart(batch, parts, i - 1);
      const b1 = splitStart(batch, parts, i);
      copyIn(p, at, x, h, b0, b1);
      pool!.post(i, p.workerFunction, p.workerArgs(at, b0, b1, at.scratch + i * p.scratchBytes));
    }
    const own = splitStart(batch, parts, threads - 1);
    copyIn(p, at, x, h, own, batch);
    p.runShare(at, own, batch);
    copyOut(p, at, y, o, own, batch);
    for (let i = 1; i < threads; i++) {
      pool!.join(i);
      copyOut(p, at, y, o, splitStart(batch, parts, i - 1), splitStart(batch, parts, i));
    }
  } else {
    copyIn(p, at, x, h, 0, batch);
    p.runShare(at, 0, batch);
    copyOut(p, at, y, o, 0, batch);
  }
  const nodes = options.returnNodes ? new Int32Array(p.runtime.memory.buffer, at.nodes, batch * p.visits).slice() : undefined;
  return { y, nodes };
}
