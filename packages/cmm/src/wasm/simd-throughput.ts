import { wasmInstance, type WasmInstance } from './wasm-instance.js';

/** f32x4 vectors per row of the probe loop (H = 768). */
export const PROBE_HV = 192;
/** Bytes of one probe region: the probe dots a row with the eight rows after it, so nine rows stay in L1. */
const PROBE_REGION_BYTES = 9 * PROBE_HV * 16;

/** `count` probe regions of ones in scratch slot `slot`; returns region i's byte address. */
export function probeRegions(rt: WasmInstance, slot: string, count: number): (i: number) => number {
  const at = rt.scratch(slot, PROBE_REGION_BYTES * count);
  rt.f32.fill(1, at >> 2, (at + PROBE_REGION_BYTES * count) >> 2);
  return (i) => at + i * PROBE_REGION_BYTES;
}

/** Repetitions of the probe at `at` that take longer than `ms` on this thread (doubling from 64). */
export function probeReps(rt: WasmInstance, at: number, ms: number): number {
  for (let reps = 64; ; reps *= 2) {
    const start = performance.now();
    rt.exports.probe(at, PROBE_HV, reps);
    if (performance.now() - start > ms || reps >= 1 << 22) return reps;
  }
}

/**
 * Single-thread f32x4 multiply-add throughput of this machine right now, in GFLOP/s: a
 * dot product over rows that stay in L1, run for about `ms` ms, best of five rounds.
 * Benchmarks record it beside their timings, so that a run on a host slowed by other
 * load (a shared VM) shows as such rather than as slow kernels.
 */
export function simdThroughput(ms = 20): number {
  const rt = wasmInstance();
  const at = probeRegions(rt, 'simd-throughput', 1)(0);
  const reps = probeReps(rt, at, ms / 5);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    rt.exports.probe(at, PROBE_HV, reps);
    best = Math.min(best, performance.now() - start);
  }
  // 8 flops (4 multiplies, 4 adds) per f32x4 vector of a dot
  return (reps * PROBE_HV * 8) / (best * 1e6);
}

/**
 * This core's f32x4 multiply-add peak in GFLOP/s (a multiply-add is 2 flops per lane):
 * independent chains of multiply-adds in registers, with no loads, run for about `ms`
 * ms, best of five rounds. The ceiling the kernels' GFLOP/s can be set against; the
 * relaxed-SIMD build measures fused multiply-adds, the SIMD build a multiply and an add.
 */
export function multiplyAddPeak(ms = 20): number {
  const rt = wasmInstance();
  let reps = 1024;
  for (;;) {
    const start = performance.now();
    rt.exports.multiplyAddPeak(reps, 0.999, 0.001);
    if (performance.now() - start > ms / 5 || reps >= 1 << 26) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    rt.exports.multiplyAddPeak(reps, 0.999, 0.001);
    best = Math.min(best, performance.now() - start);
  }
  // 12 chains of one f32x4 multiply-add (8 flops) per repetition
  return (reps * 12 * 8) / (best * 1e6);
}
