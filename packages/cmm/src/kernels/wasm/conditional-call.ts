// The buffers of one conditional inference call in WASM memory, shared by the fp32 and q8
// kernels: inputs copied in as padded f32 rows, outputs copied out, visited nodes and
// logits, and a scratch area per thread.
import type { WasmRuntime } from '../../wasm/runtime.js';
import { readRows, writeRows } from './copy.js';

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
  readonly runtime: WasmRuntime;
  /** floats per row of x and of y in WASM memory (rows padded to whole vectors) */
  readonly xStride: number;
  readonly yStride: number;
  /** trees * (depth + 1) */
  readonly visits: number;
  /** bytes of scratch per thread, whole cache lines, so threads never write to the same line */
  readonly scratchBytes: number;
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
