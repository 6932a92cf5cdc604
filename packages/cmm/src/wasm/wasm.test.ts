import { describe, expect, inject, it } from 'vitest';
import { conditionalForwardTrainWasm, conditionalMatmulWasmFused, denseMatmulWasmFused } from '../kernels/index.js';
import { prefetchNodesPerTree } from '../kernels/wasm/conditional-matmul-fused.js';
import { PreparedKernelError } from '../errors.js';
import { expectIdentical } from '../test-utils/compare.js';
import { randomConditional, randomDense } from '../conformance/problems.js';
import { selectWasmBuild, wasmBuild, wasmInstance, wasmSimdSupported } from './wasm-instance.js';
import { nodeWorkerThreads, workerHost } from './worker-host.js';
import { multiplyAddPeak, PROBE_HV, probeRegions, simdThroughput } from './simd-throughput.js';
import { WorkerPoolError } from '../errors.js';
import { measureThreadSpeedup, resolveThreadSettings, startThreadPool, threadCalibration, threadPool, ThreadPool, threadPoolStatus } from './threads.js';
import { ThreadOptionsError } from '../errors.js';

describe.skipIf(!wasmSimdSupported())('wasm runtime', () => {
  it('runs the build its test project selected, and refuses another once running', () => {
    const build = inject('wasmBuild');
    expect(wasmInstance().build).toBe(build);
    expect(wasmBuild()).toBe(build);
    expect(selectWasmBuild(build)).toBe(build);
    expect(selectWasmBuild('auto')).toBe(build);
    const other = build === 'simd' ? 'relaxed-simd' : 'simd';
    expect(() => selectWasmBuild(other)).toThrow(`the WASM runtime already runs the ${build} build`);
  });

  it('measures the multiply-add peak of one thread, above what a dot from L1 reaches', () => {
    const peak = multiplyAddPeak(5);
    expect(peak).toBeGreaterThan(0.1);
    expect(peak).toBeLessThan(1000);
    // a dot also loads two vectors per multiply-add; allow for a host slowed between the two probes
    expect(peak).toBeGreaterThan(0.5 * simdThroughput(5));
  });

  it('routes inference and training forward identically', () => {
    const problem = randomConditional(21, { trees: 3, depth: 8, inputSize: 45, outputSize: 10, batch: 200 });
    const prepared = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape);
    const inference = conditionalMatmulWasmFused.run(prepared, problem.x, problem.batch, { returnNodes: true });
    prepared.dispose();
    const trainer = conditionalForwardTrainWasm.prepare(problem.shape);
    const training = conditionalForwardTrainWasm.run(trainer, problem);
    trainer.dispose();
    expectIdentical(training.nodes, inference.nodes!, 'nodes');
  });

  it('measures single-thread SIMD throughput in GFLOP/s', () => {
    const gflops = simdThroughput(5);
    // any machine that runs WASM SIMD does more than 0.1 and less than 1000 on one thread
    expect(gflops).toBeGreaterThan(0.1);
    expect(gflops).toBeLessThan(1000);
  });

  it('gives the memory of disposed weights back', () => {
    const rt = wasmInstance();
    const problem = randomConditional(22, { trees: 2, depth: 6, inputSize: 30, outputSize: 20, batch: 1 });
    const dense = randomDense(23, { inputSize: 30, hiddenSize: 50, outputSize: 20, batch: 1, bias: true });
    conditionalMatmulWasmFused.run(conditionalMatmulWasmFused.prepare(problem.weights, problem.shape), problem.x, 1).y;
    const before = rt.allocatedBytes;
    const a = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape);
    const b = denseMatmulWasmFused.prepare(dense.weights, dense.shape);
    expect(rt.allocatedBytes).toBeGreaterThan(before);
    a.dispose();
    b.dispose();
    b.dispose();
    expect(rt.allocatedBytes).toBe(before);
  });
});

describe.skipIf(!wasmSimdSupported() || !nodeWorkerThreads())('thread calibration', () => {
  it('measures a speed-up and only keeps threads that pay', () => {
    const pool = threadPool(resolveThreadSettings({ threads: 2, calibrate: false }))!;
    const speedup = measureThreadSpeedup(pool, 2);
    expect(speedup).toBeGreaterThan(0.3);
    expect(speedup).toBeLessThan(2.5);
    const used = threadPool(resolveThreadSettings({ threads: 2, calibrate: true })) === undefined ? 1 : 2;
    expect(threadCalibration().get(2)).toBe(used);
    expect(startThreadPool({ threads: 2 })).toBe(used);
    expect(startThreadPool({ threads: 1 })).toBe(1);
  });

  it('resolves the thread options of a kernel instance, defaults filled in, and refuses invalid ones', () => {
    const defaults = resolveThreadSettings();
    expect(defaults.threads).toBeGreaterThanOrEqual(1);
    expect(defaults.threads).toBeLessThanOrEqual(8);
    expect(resolveThreadSettings({ threads: 3, calibrate: false })).toEqual({ ...defaults, threads: 3, calibrate: false });
    expect(() => resolveThreadSettings({ threads: 0 })).toThrow(new ThreadOptionsError('threads must be an integer of at least 1, got 0'));
    expect(() => resolveThreadSettings({ minConditionalBatch: 1.5 })).toThrow(ThreadOptionsError);
    expect(() => resolveThreadSettings({ calibrate: 'yes' as unknown as boolean })).toThrow('calibrate must be a boolean, got yes');
    const problem = randomConditional(32, { trees: 1, depth: 2, inputSize: 4, outputSize: 3, batch: 1 });
    expect(() => conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, { threads: -1 })).toThrow(ThreadOptionsError);
  });

  it('runs a pool the way a page does: workers started without blocking, a caller that polls instead of sleeping', async () => {
    // a page's main thread: its workers start only once it yields, and Atomics.wait throws there
    const host = { ...workerHost()!, startsWhileBlocked: false, canWait: false };
    const pool = new ThreadPool(wasmInstance(), host);
    try {
      expect(() => pool.grow(1)).toThrow(WorkerPoolError);
      expect(await pool.growAsync(1)).toBe(true);
      expect(pool.size).toBe(2);
      const at = probeRegions(pool.runtime, 'test.page-probe', 1)(0);
      for (let round = 0; round < 3; round++) {
        pool.post(1, 'probe', [at, PROBE_HV, 100]);
        for (const until = performance.now() + 100; performance.now() < until; );
        expect(pool.join(1)).toBe(true);
      }
    } finally {
      pool.close();
    }
  });

  it('says how many threads a kernel with given options uses and why not more', () => {
    expect(threadPoolStatus({ threads: 1 })).toEqual({ threads: 1, state: 'off', reason: 'threads: 1 was asked for' });
    startThreadPool({ threads: 2, calibrate: false });
    expect(threadPoolStatus({ threads: 2, calibrate: false })).toEqual({ threads: 2, state: 'running' });
  });

  it('runs a posted share on the worker when the caller leaves it time to claim it', () => {
    const pool = threadPool(resolveThreadSettings({ threads: 2, calibrate: false }))!;
    const at = probeRegions(pool.runtime, 'test.probe', 1)(0);
    for (let round = 0; round < 3; round++) {
      pool.post(1, 'probe', [at, PROBE_HV, 100]);
      // the caller does nothing for 200 ms, so only the worker can run the share
      for (const until = performance.now() + 200; performance.now() < until; );
      expect(pool.join(1)).toBe(true);
    }
  });

  it('hands thousands of back-to-back tiny shares to workers or back to the caller without losing one', () => {
    const problem = randomConditional(25, { trees: 1, depth: 3, inputSize: 8, outputSize: 5, batch: 6 });
    // two inputs in turn: a share that ran for neither call would leave the other input's rows in y
    const inputs = [problem.x, problem.x.map((v) => -2 * v)];
    const single = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, { threads: 1 });
    const expected = inputs.map((x) => conditionalMatmulWasmFused.run(single, x, problem.batch).y);
    const prepared = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, { threads: 3, minConditionalBatch: 1, calibrate: false });
    for (let call = 0; call < 3000; call++) {
      const split = conditionalMatmulWasmFused.run(prepared, inputs[call % 2]!, problem.batch);
      expectIdentical(split.y, expected[call % 2]!, `y of call ${call}`);
    }
    single.dispose();
    prepared.dispose();
  });

  it('interleaves conditional and dense calls on the same workers', () => {
    const problem = randomConditional(26, { trees: 2, depth: 4, inputSize: 12, outputSize: 7, batch: 40 });
    const dense = randomDense(27, { inputSize: 12, hiddenSize: 30, outputSize: 7, batch: 40, bias: true });
    const one = { threads: 1 };
    const conditional = conditionalMatmulWasmFused.run(conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, one), problem.x, problem.batch).y;
    const denseY = denseMatmulWasmFused.run(denseMatmulWasmFused.prepare(dense.weights, dense.shape, one), dense.x, dense.batch).y;
    const three = { threads: 3, minConditionalBatch: 1, minDenseWork: 0, calibrate: false };
    const pc = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, three);
    const pd = denseMatmulWasmFused.prepare(dense.weights, dense.shape, three);
    for (let call = 0; call < 300; call++) {
      expectIdentical(conditionalMatmulWasmFused.run(pc, problem.x, problem.batch).y, conditional, `conditional y of call ${call}`);
      expectIdentical(denseMatmulWasmFused.run(pd, dense.x, dense.batch).y, denseY, `dense y of call ${call}`);
    }
    pc.dispose();
    pd.dispose();
  });

  it('warms tree tops on an idle worker only: an offer the caller takes back is dropped, a claimed one reads every line it names', () => {
    {
      const threads = { threads: 2, calibrate: false };
      const problem = randomConditional(28, { trees: 2, depth: 5, inputSize: 20, outputSize: 12, batch: 1 });
      const p = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, threads) as unknown as {
        wIn: number;
        bIn: number;
        wOutT: number;
        hv: number;
        ov: number;
        dispose(): void;
      };
      const pool = threadPool(resolveThreadSettings(threads))!;
      const rt = pool.runtime;
      const sink = rt.scratch('test.sink', 64);
      const top = 7;
      const n = 63;
      // what touchTreeTops must read: one word per 64-byte line of each tree's first `top` rows
      let expected = 0;
      const lines = (start: number, bytes: number) => {
        for (let at = 0; at < bytes; at += 64) expected ^= rt.i32[(start + at) >> 2]!;
      };
      for (let t = 0; t < 2; t++) {
        lines(p.wIn + t * n * p.hv * 16, top * p.hv * 16);
        lines(p.wOutT + t * n * p.ov * 16, top * p.ov * 16);
        lines(p.bIn + t * n * 4, top * 4);
      }
      const args = [p.wIn, p.bIn, p.wOutT, p.hv, p.ov, 2, n, top, sink];
      let ran = 0;
      let dropped = 0;
      for (let round = 0; round < 40; round++) {
        const sentinel = expected ^ 0x5a5a5a5a;
        rt.i32[sink >> 2] = sentinel;
        expect(pool.offer(1, 'touchTreeTops', args)).toBe(true);
        // a second offer while the first is pending is refused, not queued
        expect(pool.offer(1, 'touchTreeTops', args)).toBe(false);
        if (round % 2) for (const until = performance.now() + 50; performance.now() < until; );
        if (pool.join(1)) {
          ran++;
          expect(rt.i32[sink >> 2]).toBe(expected);
        } else {
          dropped++;
          expect(rt.i32[sink >> 2]).toBe(sentinel);
        }
      }
      // the rounds that waited 50 ms left the worker time to claim its offer (most of them, on a loaded host)
      expect(ran).toBeGreaterThanOrEqual(10);
      expect(ran + dropped).toBe(40);
      expect(() => pool.offer(pool.size, 'touchTreeTops', args)).toThrow(`thread must be 1..${pool.size - 1}`);
      p.dispose();
    }
  });

  it('prefetch offers the worker the top levels a batch visits, and nothing below the threaded batch size', () => {
    {
      const threads = { threads: 2, minConditionalBatch: 16, calibrate: false };
      const shape = { trees: 2, depth: 6, inputSize: 20, outputSize: 12 };
      const problem = randomConditional(31, { ...shape, batch: 1 });
      const prepared = conditionalMatmulWasmFused.prepare(problem.weights, shape, threads);
      const p = prepared as unknown as { wIn: number; bIn: number; wOutT: number; hv: number; ov: number };
      const pool = threadPool(resolveThreadSettings(threads))!;
      const rt = pool.runtime;
      // the slot prefetch writes its xor to: the same scratch slot, already big enough, hands back the same address
      conditionalMatmulWasmFused.prefetch!(prepared, 16);
      pool.join(1);
      const sink = rt.scratch('prefetch', 64);
      const top = prefetchNodesPerTree(shape, 40);
      expect(top).toBe(63);
      let expected = 0;
      const lines = (start: number, bytes: number) => {
        for (let at = 0; at < bytes; at += 64) expected ^= rt.i32[(start + at) >> 2]!;
      };
      for (let t = 0; t < 2; t++) {
        lines(p.wIn + t * 127 * p.hv * 16, top * p.hv * 16);
        lines(p.wOutT + t * 127 * p.ov * 16, top * p.ov * 16);
        lines(p.bIn + t * 127 * 4, top * 4);
      }
      let ran = false;
      for (let attempt = 0; attempt < 20 && !ran; attempt++) {
        rt.i32[sink >> 2] = ~expected;
        conditionalMatmulWasmFused.prefetch!(prepared, 40);
        // an offer is pending: another one is refused
        expect(pool.offer(1, 'probe', [0, 0, 0])).toBe(false);
        for (const until = performance.now() + 50; performance.now() < until; );
        ran = pool.join(1);
        expect(rt.i32[sink >> 2]).toBe(ran ? expected : ~expected);
      }
      expect(ran).toBe(true);
      // below minConditionalBatch run stays on one thread, so prefetch offers nothing
      conditionalMatmulWasmFused.prefetch!(prepared, 15);
      expect(pool.offer(1, 'probe', [0, 0, 0])).toBe(true);
      pool.join(1);
      prepared.dispose();
    }
  });

  it('keeps every bit of a call that follows a prefetch, claimed or dropped, and checks what prefetch is given', () => {
    {
      const problem = randomConditional(29, { trees: 2, depth: 6, inputSize: 33, outputSize: 21, batch: 70 });
      const onOne = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, { threads: 1 });
      const single = conditionalMatmulWasmFused.run(onOne, problem.x, problem.batch, { returnNodes: true });
      // single-threaded, there is no idle thread: a no-op
      conditionalMatmulWasmFused.prefetch!(onOne, problem.batch);
      onOne.dispose();
      const prepared = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, { threads: 2, minConditionalBatch: 1, calibrate: false });
      for (let call = 0; call < 60; call++) {
        conditionalMatmulWasmFused.prefetch!(prepared, call % 3 === 0 ? 1 : problem.batch);
        if (call % 4 === 0) for (const until = performance.now() + 5; performance.now() < until; );
        const split = conditionalMatmulWasmFused.run(prepared, problem.x, problem.batch, { returnNodes: true });
        expectIdentical(split.y, single.y, `y of call ${call}`);
        expectIdentical(split.nodes!, single.nodes!, `nodes of call ${call}`);
      }
      // an offer left pending is completed or dropped by the next dense call on the same worker
      conditionalMatmulWasmFused.prefetch!(prepared, problem.batch);
      const dense = randomDense(30, { inputSize: 12, hiddenSize: 30, outputSize: 7, batch: 40, bias: true });
      const pd = denseMatmulWasmFused.prepare(dense.weights, dense.shape, { threads: 2, minDenseWork: 0, calibrate: false });
      expect(denseMatmulWasmFused.run(pd, dense.x, dense.batch).y.length).toBe(40 * 7);
      pd.dispose();
      expect(() => conditionalMatmulWasmFused.prefetch!(prepared, -1)).toThrow('batch must be a non-negative integer, got -1');
      expect(() => conditionalMatmulWasmFused.prefetch!(prepared, 1.5)).toThrow('got 1.5');
      prepared.dispose();
      expect(() => conditionalMatmulWasmFused.prefetch!(prepared, 8)).toThrow(PreparedKernelError);
    }
  });

  it('splits a batch unevenly across threads, with the same bits as one thread', () => {
    {
      const problem = randomConditional(24, { trees: 2, depth: 7, inputSize: 37, outputSize: 29, batch: 101 });
      const onOne = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, { threads: 1 });
      const single = conditionalMatmulWasmFused.run(onOne, problem.x, problem.batch, { returnNodes: true });
      onOne.dispose();
      const threads = { threads: 3, minConditionalBatch: 1, calibrate: false };
      const prepared = conditionalMatmulWasmFused.prepare(problem.weights, problem.shape, threads);
      // back to back, so that some shares run on a worker and some are taken back by the main thread
      for (let call = 0; call < 30; call++) {
        const out = new Float32Array(problem.batch * 29).fill(Number.NaN);
        const split = conditionalMatmulWasmFused.run(prepared, problem.x, problem.batch, { returnNodes: true, out });
        expect(split.y).toBe(out);
        expectIdentical(split.y, single.y, 'y');
        expectIdentical(split.nodes!, single.nodes!, 'nodes');
      }
      prepared.dispose();
      expect(threadPool(resolveThreadSettings(threads))?.size).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('prefetchNodesPerTree', () => {
  it('warms whole levels a batch mostly visits, within 4 MiB', () => {
    const ultraFast = { trees: 1, depth: 11, inputSize: 768, outputSize: 768 };
    expect(prefetchNodesPerTree(ultraFast, 0)).toBe(0);
    expect(prefetchNodesPerTree(ultraFast, 1)).toBe(1);
    expect(prefetchNodesPerTree(ultraFast, 3)).toBe(3);
    // 2^7 = 128 <= 128: levels 0..7
    expect(prefetchNodesPerTree(ultraFast, 128)).toBe(255);
    // (768 + 768 + 1) * 4 bytes a node: 682 fit in 4 MiB, so levels 0..8 and not 9
    expect(prefetchNodesPerTree(ultraFast, 1 << 20)).toBe(511);
    // 32 trees share the budget: 21 nodes each, levels 0..3
    expect(prefetchNodesPerTree({ trees: 32, depth: 6, inputSize: 768, outputSize: 768 }, 1024)).toBe(15);
    // never past the leaves
    expect(prefetchNodesPerTree({ trees: 1, depth: 2, inputSize: 4, outputSize: 4 }, 1024)).toBe(7);
  });
});
