import { wasmRuntime } from './runtime.js';

/**
 * Single-thread f32x4 multiply-add throughput of this machine right now, in GFLOP/s: a
 * dot product over rows that stay in L1, run for about `ms` ms, best of five rounds.
 * Benchmarks record it beside their timings, so that a run on a host slowed by other
 * load (a shared VM) shows as such rather than as slow kernels.
 */
export function simdThroughput(ms = 20): number {
  const rt = wasmRuntime();
  const hv = 192;
  const at = rt.scratch('simd-throughput', 9 * hv * 16);
  rt.f32.fill(1, at >> 2, (at >> 2) + 9 * hv * 4);
  let reps = 64;
  for (;;) {
    const start = performance.now();
    rt.exports.probe(at, hv, reps);
    if (performance.now() - start > ms / 5 || reps > 1 << 22) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    rt.exports.probe(at, hv, reps);
    best = Math.min(best, performance.now() - start);
  }
  // 8 flops (4 multiplies, 4 adds) per f32x4 vector of a dot
  return (reps * hv * 8) / (best * 1e6);
}
