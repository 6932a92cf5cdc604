import { UfbertError } from '@ufbert/tensor';
import { nodeWorkerThreads, wasmRuntime, type CmmWasmExports, type WasmRuntime } from './runtime.js';

// A pool of Node worker threads that instantiate the shared-memory module on the
// same WebAssembly.Memory. Kernels stay synchronous: the main thread posts each
// worker its share through a shared control block, does its own share, then waits
// with Atomics.wait (allowed on Node's main thread). Workers spin briefly after a job
// before sleeping, because the next call usually comes right away.

type ExportName = keyof CmmWasmExports;
const FUNCTIONS: readonly ExportName[] = ['conditionalTokens', 'gemmPacked'];

// control block, Int32 slots per worker
const SEQ = 0;
const DONE = 1;
const READY = 2;
const FAILED = 3;
const FN = 4;
const ARGC = 5;
const ARGS = 6;
const STRIDE = 32;
/** Atomics.load polls before sleeping (~50 µs): back-to-back calls then skip the futex wake-up. */
const SPIN = 20000;

const workerSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot, names } = workerData;
const c = new Int32Array(control);
const base = slot * ${STRIDE};
let fns;
try {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  fns = names.map((name) => instance.exports[name]);
  Atomics.store(c, base + ${READY}, 1);
} catch (error) {
  Atomics.store(c, base + ${READY}, -1);
}
Atomics.notify(c, base + ${READY});
let seen = 0;
for (;;) {
  for (let i = 0; i < ${SPIN} && Atomics.load(c, base + ${SEQ}) === seen; i++);
  Atomics.wait(c, base + ${SEQ}, seen);
  seen = Atomics.load(c, base + ${SEQ});
  const args = Array.from(c.subarray(base + ${ARGS}, base + ${ARGS} + c[base + ${ARGC}]));
  try {
    fns[c[base + ${FN}]](...args);
    c[base + ${FAILED}] = 0;
  } catch (error) {
    c[base + ${FAILED}] = 1;
  }
  Atomics.store(c, base + ${DONE}, seen);
  Atomics.notify(c, base + ${DONE});
}
`;

export interface ThreadSettings {
  /** Threads in all, the main thread included; 1 turns the pool off. Default: the number of CPUs, at most 8. */
  threads: number;
  /** Smallest batch a conditional kernel splits across threads. */
  minConditionalBatch: number;
  /** Smallest product batch * M * (H + O), the multiply-adds of a dense call, that a dense kernel splits across threads. */
  minDenseWork: number;
}

function defaultThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  const cpus = os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
  return Math.max(1, Math.min(8, cpus));
}

const settings: ThreadSettings = { threads: defaultThreads(), minConditionalBatch: 32, minDenseWork: 1 << 20 };

/** Changes how the WASM kernels use threads; takes effect on the next call. */
export function configureThreads(change: Partial<ThreadSettings>): ThreadSettings {
  for (const [key, value] of Object.entries(change) as Array<[keyof ThreadSettings, number]>) {
    if (!Number.isInteger(value) || value < (key === 'threads' ? 1 : 0)) throw new UfbertError(`configureThreads: ${key} must be a non-negative integer (threads at least 1), got ${value}`);
  }
  Object.assign(settings, change);
  return threadSettings();
}

export function threadSettings(): ThreadSettings {
  return { ...settings };
}

/** The live settings, for the kernels' hot path (no copy). */
export function currentThreadSettings(): Readonly<ThreadSettings> {
  return settings;
}

/** Most workers a pool holds; its control block is sized for them up front. */
const MAX_WORKERS = 63;

export class ThreadPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(MAX_WORKERS * STRIDE * 4));
  private seq = 0;
  private started = 0;

  constructor(readonly runtime: WasmRuntime) {}

  /** Threads available, the calling thread included. */
  get size(): number {
    return this.started + 1;
  }

  /**
   * Starts workers until there are `workers` of them (at most MAX_WORKERS), waiting
   * until each has instantiated the module. Returns false if one fails to start.
   */
  grow(workers: number): boolean {
    const threads = nodeWorkerThreads();
    if (!threads || !this.runtime.shared) return false;
    const target = Math.min(workers, MAX_WORKERS);
    const first = this.started;
    for (let slot = first; slot < target; slot++) {
      const worker = new threads.Worker(workerSource, {
        eval: true,
        workerData: { module: this.runtime.module, memory: this.runtime.memory, control: this.control.buffer, slot, names: FUNCTIONS },
      });
      // Idle workers sleep in Atomics.wait; unref lets the process exit around them.
      worker.unref();
    }
    for (let slot = first; slot < target; slot++) {
      const at = slot * STRIDE + READY;
      const deadline = Date.now() + 10_000;
      while (Atomics.load(this.control, at) === 0 && Date.now() < deadline) Atomics.wait(this.control, at, 0, 100);
      if (Atomics.load(this.control, at) !== 1) return false;
      this.started = slot + 1;
    }
    return true;
  }

  /**
   * Runs `fn` with argsOf(thread) on threads 0 .. size-1 (0 is the caller; undefined
   * skips a thread) and returns when all are done. Arguments are int32 (addresses, sizes).
   */
  run(fn: 'conditionalTokens' | 'gemmPacked', argsOf: (thread: number) => number[] | undefined): void {
    const id = FUNCTIONS.indexOf(fn);
    const seq = ++this.seq;
    const posted: number[] = [];
    for (let w = 0; w < this.started; w++) {
      const args = argsOf(w + 1);
      if (!args) continue;
      const base = w * STRIDE;
      this.control[base + FN] = id;
      this.control[base + ARGC] = args.length;
      this.control.set(args, base + ARGS);
      Atomics.store(this.control, base + SEQ, seq);
      Atomics.notify(this.control, base + SEQ);
      posted.push(w);
    }
    const own = argsOf(0);
    if (own) (this.runtime.exports[fn] as (...a: number[]) => void)(...own);
    for (const w of posted) {
      const at = w * STRIDE + DONE;
      for (let i = 0; i < SPIN && Atomics.load(this.control, at) !== seq; i++);
      while (Atomics.load(this.control, at) !== seq) Atomics.wait(this.control, at, Atomics.load(this.control, at), 1000);
      if (this.control[w * STRIDE + FAILED]) throw new UfbertError(`wasm worker ${w + 1} failed running ${fn}`);
    }
  }
}

let pool: ThreadPool | undefined;
let poolFailed = false;

/** The pool for the current settings, started or grown on first use; undefined where threads are unavailable or off. */
export function threadPool(): ThreadPool | undefined {
  const workers = settings.threads - 1;
  if (workers < 1 || poolFailed) return undefined;
  pool ??= new ThreadPool(wasmRuntime());
  if (pool.size <= workers && !pool.grow(workers)) {
    poolFailed = true;
    return undefined;
  }
  return pool;
}

/** Splits [0, total) into `parts` contiguous ranges as equal as possible; range i is [start(i), start(i+1)). */
export function splitStart(total: number, parts: number, i: number): number {
  return Math.floor((total * i) / parts);
}
