import { UfbertError } from '@ufbert/tensor';
import { nodeWorkerThreads, wasmRuntime, type WasmRuntime } from './runtime.js';
import { PROBE_HV, probeRegions, probeReps } from './simd-throughput.js';

// A pool of Node worker threads that instantiate the shared-memory module on the
// same WebAssembly.Memory. Kernels stay synchronous: the main thread posts each
// worker its share through a shared control block, does its own share, then waits
// with Atomics.wait (allowed on Node's main thread).
//
// Waking a sleeping thread costs tens to hundreds of µs here (a futex wake, and in a
// VM an idle vCPU to rouse; on a busy host, milliseconds), as much as a whole batch of
// 128 tokens takes. So a worker polls for SPIN_MS after each job before it sleeps
// (kernels come back to back in a forward pass), a kernel calls wake() before copying
// its inputs, and a share no worker has claimed by the time the main thread is done
// with its own is taken back and run on the main thread, so a late worker costs no
// more than running single-threaded. The handshake is one slot per worker, CLAIM:
// post() stores the job's sequence number s > 0 there; the worker claims it with
// compareExchange(s -> -s), the main thread takes it back with compareExchange(s -> 0);
// whoever wins runs it. The main thread writes a worker's arguments only while that
// worker holds no job, so a claimed job's arguments stay put.

type PoolFunction = 'conditionalTokens' | 'conditionalTokensQ8' | 'gemmPacked' | 'probe' | 'touchTreeTops';
const FUNCTIONS: readonly PoolFunction[] = ['conditionalTokens', 'conditionalTokensQ8', 'gemmPacked', 'probe', 'touchTreeTops'];

// control block, Int32 slots per worker
const CLAIM = 0;
const DONE = 1;
const READY = 2;
const FAILED = 3;
const FN = 4;
const ARGC = 5;
const ARGS = 6;
const STRIDE = 32;
/** How long an idle worker polls for the next job before it sleeps. */
const SPIN_MS = 2;
/** A wait on a worker this long means a lost job (a bug): throw rather than block the process forever. */
const STUCK_MS = 60_000;
/** How long a starting worker may take to instantiate the module before the pool gives up on threads. */
const START_MS = 10_000;
/** Atomics.load polls of the main thread for a claimed share before it sleeps; the shares are about equal, so the wait is short. */
const MAIN_SPIN = 20000;

// Evaluated as CommonJS or as an ES module alike: a dynamic import() is valid in both,
// where require() exists only in CommonJS and a static import only in modules. Node
// decides which from flags such as --input-type=module or --experimental-default-type,
// which a worker would otherwise inherit from the parent's command line or NODE_OPTIONS.
const workerSource = `
import('node:worker_threads').then(({ workerData }) => {
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
for (;;) {
  let job = Atomics.load(c, base + ${CLAIM});
  if (job <= 0) {
    const until = performance.now() + ${SPIN_MS};
    while ((job = Atomics.load(c, base + ${CLAIM})) <= 0 && performance.now() < until);
    if (job <= 0) {
      // woken by a job or by wake(): either way, poll again before sleeping
      Atomics.wait(c, base + ${CLAIM}, job);
      continue;
    }
  }
  // lost to the main thread taking it back (or to a newer job): look again
  if (Atomics.compareExchange(c, base + ${CLAIM}, job, -job) !== job) continue;
  const args = Array.from(c.subarray(base + ${ARGS}, base + ${ARGS} + c[base + ${ARGC}]));
  try {
    fns[c[base + ${FN}]](...args);
    c[base + ${FAILED}] = 0;
  } catch (error) {
    c[base + ${FAILED}] = 1;
  }
  Atomics.store(c, base + ${DONE}, job);
  Atomics.notify(c, base + ${DONE});
}
});
`;

export interface ThreadSettings {
  /** Threads in all, the main thread included; 1 turns the pool off. Default: the number of CPUs, at most 8. */
  threads: number;
  /** Smallest batch a conditional kernel splits across threads. */
  minConditionalBatch: number;
  /** Smallest product batch * M * (H + O), the multiply-adds of a dense call, that a dense kernel splits across threads. */
  minDenseWork: number;
  /**
   * Measure, when the pool starts, whether threads add SIMD throughput here, and run
   * single-threaded if they do not (two vCPUs on one physical core, a busy host).
   */
  calibrate: boolean;
}

function defaultThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  const cpus = os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
  return Math.max(1, Math.min(8, cpus));
}

// A split costs a few µs with the worker polling (more if it sleeps, though then the
// caller takes the share back); below these sizes it is not worth it. 16 tokens of
// FFF-1x11 take ~35 µs on one thread.
const settings: ThreadSettings = { threads: defaultThreads(), minConditionalBatch: 16, minDenseWork: 1 << 22, calibrate: true };

/** Changes how the WASM kernels use threads; takes effect on the next call. */
export function configureThreads(change: Partial<ThreadSettings>): ThreadSettings {
  for (const [key, value] of Object.entries(change) as Array<[keyof ThreadSettings, number | boolean]>) {
    if (key === 'calibrate') {
      if (typeof value !== 'boolean') throw new UfbertError(`configureThreads: calibrate must be a boolean, got ${value}`);
    } else if (!Number.isInteger(value) || (value as number) < (key === 'threads' ? 1 : 0)) {
      throw new UfbertError(`configureThreads: ${key} must be a non-negative integer (threads at least 1), got ${value}`);
    }
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
  /** per worker, its job not yet joined; an optional one (`offer`) is dropped, not run, when taken back */
  private readonly pending: Array<{ seq: number; fn: PoolFunction; args: readonly number[]; optional: boolean } | undefined> = [];
  private started = 0;
  private readonly workers: Array<import('node:worker_threads').Worker> = [];

  constructor(readonly runtime: WasmRuntime) {}

  /** Threads available, the calling thread included. */
  get size(): number {
    return this.started + 1;
  }

  /**
   * Starts workers until there are `workers` of them (at most MAX_WORKERS), waiting
   * until each has instantiated the module. Returns false if one fails to start, having
   * stopped them all: the caller then runs single-threaded rather than half-threaded.
   */
  grow(workers: number): boolean {
    const threads = nodeWorkerThreads();
    if (!threads || !this.runtime.shared) return false;
    const target = Math.min(workers, MAX_WORKERS);
    const first = this.started;
    for (let slot = first; slot < target; slot++) {
      let worker: import('node:worker_threads').Worker;
      try {
        worker = new threads.Worker(workerSource, {
          eval: true,
          // The parent's flags are its own business (--input-type=module, --eval, --inspect ...).
          execArgv: [],
          workerData: { module: this.runtime.module, memory: this.runtime.memory, control: this.control.buffer, slot, names: FUNCTIONS },
        });
      } catch {
        this.close();
        return false;
      }
      // Without a listener, a worker's uncaught error is rethrown in the parent and ends
      // the process, possibly long after the kernels finished on the main thread.
      worker.on('error', () => undefined);
      // Idle workers sleep in Atomics.wait; unref lets the process exit around them.
      worker.unref();
      this.workers.push(worker);
    }
    for (let slot = first; slot < target; slot++) {
      const at = slot * STRIDE + READY;
      const deadline = Date.now() + START_MS;
      while (Atomics.load(this.control, at) === 0 && Date.now() < deadline) Atomics.wait(this.control, at, 0, 100);
      if (Atomics.load(this.control, at) !== 1) {
        this.close();
        return false;
      }
      this.started = slot + 1;
    }
    return true;
  }

  /** Stops every worker; the pool is single-threaded (size 1) afterwards. */
  close(): void {
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
    this.pending.length = 0;
    this.started = 0;
    this.control.fill(0);
  }

  /** Rouses sleeping workers so they are polling when the next run() posts; costs the caller one notify per worker. */
  wake(): void {
    for (let w = 0; w < this.started; w++) Atomics.notify(this.control, w * STRIDE + CLAIM);
  }

  /**
   * Offers `fn(...args)` to thread `thread` (1 .. size-1; 0 is the caller) and returns
   * at once; join(thread) completes it. Arguments are int32 (addresses, sizes).
   */
  post(thread: number, fn: PoolFunction, args: readonly number[]): void {
    const w = thread - 1;
    if (w < 0 || w >= this.started) throw new UfbertError(`ThreadPool.post: thread must be 1..${this.started}, got ${thread}`);
    if (this.pending[w]?.optional) this.join(thread);
    if (this.pending[w]) throw new UfbertError(`ThreadPool.post: thread ${thread} has a job not yet joined`);
    this.enqueue(w, fn, args, false);
  }

  /**
   * Offers `fn(...args)` to thread `thread` as optional work (cache warming): returns at
   * once, and false if that thread already has a job. The next post() or join() to that
   * thread completes it first if the worker has claimed it, and drops it if not, so an
   * optional job never runs on the caller's thread and never delays a real one by more
   * than its own run.
   */
  offer(thread: number, fn: PoolFunction, args: readonly number[]): boolean {
    const w = thread - 1;
    if (w < 0 || w >= this.started) throw new UfbertError(`ThreadPool.offer: thread must be 1..${this.started}, got ${thread}`);
    if (this.pending[w]) return false;
    this.enqueue(w, fn, args, true);
    return true;
  }

  private enqueue(w: number, fn: PoolFunction, args: readonly number[], optional: boolean): void {
    // positive int32, never 0
    this.seq = (this.seq % 0x7fffffff) + 1;
    const base = w * STRIDE;
    this.control[base + FN] = FUNCTIONS.indexOf(fn);
    this.control[base + ARGC] = args.length;
    this.control.set(args, base + ARGS);
    this.pending[w] = { seq: this.seq, fn, args, optional };
    Atomics.store(this.control, base + CLAIM, this.seq);
    Atomics.notify(this.control, base + CLAIM);
  }

  /**
   * Completes the job last posted to `thread`: runs it here if the worker has not
   * claimed it yet (drops it, if it was offered as optional), else waits for the worker;
   * throws if it failed. No-op when none is pending. Returns whether the worker ran it.
   */
  join(thread: number): boolean {
    const w = thread - 1;
    const job = this.pending[w];
    if (!job) return false;
    this.pending[w] = undefined;
    const base = w * STRIDE;
    if (Atomics.compareExchange(this.control, base + CLAIM, job.seq, 0) === job.seq) {
      if (!job.optional) (this.runtime.exports[job.fn] as (...a: readonly number[]) => void)(...job.args);
      return false;
    }
    const at = base + DONE;
    for (let i = 0; i < MAIN_SPIN && Atomics.load(this.control, at) !== job.seq; i++);
    const deadline = performance.now() + STUCK_MS;
    for (let done; (done = Atomics.load(this.control, at)) !== job.seq; ) {
      if (performance.now() > deadline) throw new UfbertError(`wasm worker ${thread} has not finished ${job.fn} after ${STUCK_MS / 1000} s`);
      // Sleep only on the value just seen to be short of seq: loading it again here
      // could read seq itself, after the worker's notify, and sleep out the timeout.
      Atomics.wait(this.control, at, done, 1000);
    }
    if (this.control[base + FAILED]) throw new UfbertError(`wasm worker ${thread} failed running ${job.fn}`);
    return true;
  }

  /** Runs `fn` with argsOf(thread) on threads 0 .. size-1 (undefined skips a thread) and returns when all are done. */
  run(fn: PoolFunction, argsOf: (thread: number) => number[] | undefined): void {
    const posted: number[] = [];
    for (let t = 1; t <= this.started; t++) {
      const args = argsOf(t);
      if (!args) continue;
      this.post(t, fn, args);
      posted.push(t);
    }
    const own = argsOf(0);
    if (own) (this.runtime.exports[fn] as (...a: number[]) => void)(...own);
    for (const t of posted) this.join(t);
  }
}

/**
 * Parallel speed-up of `threads` threads over one on a cached SIMD loop of ~1 ms: the
 * best single-thread time against the best parallel time over five rounds, after
 * warm-up rounds that wake the workers. Best-of on both sides, because a wake-up delay
 * or a burst of other load only ever makes one round slower. About 1 where threads
 * share a core.
 */
export function measureThreadSpeedup(pool: ThreadPool, threads: number): number {
  const rt = pool.runtime;
  const hv = PROBE_HV;
  const region = probeRegions(rt, 'threads.probe', threads);
  const reps = probeReps(rt, region(0), 1);
  const parallel = (): void => pool.run('probe', (i) => (i < threads ? [region(i), hv, reps] : undefined));
  // a worker's first calls can be 10-30x slower (its code not yet optimised, its
  // thread asleep): warm up until a parallel round takes less than twice a single one
  for (let round = 0; round < 20; round++) {
    let start = performance.now();
    rt.exports.probe(region(0), hv, reps);
    const one = performance.now() - start;
    start = performance.now();
    parallel();
    if (performance.now() - start < 2 * one) break;
  }
  let single = Infinity;
  let both = Infinity;
  for (let round = 0; round < 5; round++) {
    let start = performance.now();
    rt.exports.probe(region(0), hv, reps);
    single = Math.min(single, performance.now() - start);
    start = performance.now();
    parallel();
    both = Math.min(both, performance.now() - start);
  }
  return (threads * single) / both;
}

let pool: ThreadPool | undefined;
let poolFailed = false;
/** Threads found worth using by calibration (1: none), per requested thread count. */
const calibrated = new Map<number, number>();
/** Per requested thread count: calibrations done, and when the last one ended. */
const attempts = new Map<number, { count: number; at: number }>();
/**
 * A calibration that found threads not worth it is tried again on a later call, at most
 * this often and this many times: on a shared host a burst of other load can last
 * longer than one calibration, and a single bad moment should not cost a whole process
 * its threads. Where threads never pay (two vCPUs on one core) that is five ~40 ms
 * measurements, then none.
 */
const RECALIBRATE_AFTER_MS = 1000;
const MAX_CALIBRATIONS = 5;

/** The pool for the current settings, started or grown on first use; undefined where threads are unavailable or off. */
export function threadPool(): ThreadPool | undefined {
  const workers = settings.threads - 1;
  if (workers < 1 || poolFailed) return undefined;
  pool ??= new ThreadPool(wasmRuntime());
  if (pool.size <= workers && !pool.grow(workers)) {
    poolFailed = true;
    return undefined;
  }
  if (settings.calibrate) {
    const threads = settings.threads;
    let useful = calibrated.get(threads);
    const tried = attempts.get(threads) ?? { count: 0, at: 0 };
    if (useful === undefined || (useful === 1 && tried.count < MAX_CALIBRATIONS && performance.now() - tried.at > RECALIBRATE_AFTER_MS)) {
      // Worth it if each extra thread adds at least half a thread of throughput. Other
      // load only ever lowers a measurement, so the best of up to three (~40 ms in all)
      // says what the cores can do.
      const wanted = 1 + 0.5 * (threads - 1);
      let speedup = 0;
      for (let i = 0; i < 3 && speedup < wanted; i++) speedup = Math.max(speedup, measureThreadSpeedup(pool, threads));
      useful = speedup >= wanted ? threads : 1;
      calibrated.set(threads, useful);
      attempts.set(threads, { count: tried.count + 1, at: performance.now() });
    }
    if (useful === 1) return undefined;
  }
  return pool;
}

/**
 * Starts (and calibrates) the pool for the current settings now rather than inside
 * the first large kernel call, which would otherwise take tens of ms longer. Returns
 * the threads the WASM kernels will use, 1 where threads are off, unavailable or did
 * not pay. The WASM kernels call it from prepare().
 */
export function startThreadPool(): number {
  if (settings.threads <= 1) return 1;
  return threadPool() ? settings.threads : 1;
}

/** What calibration last found per requested thread count: the threads used (1 when threads did not pay, so far). */
export function threadCalibration(): ReadonlyMap<number, number> {
  return calibrated;
}

/** Splits [0, total) into `parts` contiguous ranges as equal as possible; range i is [start(i), start(i+1)). */
export function splitStart(total: number, parts: number, i: number): number {
  return Math.floor((total * i) / parts);
}
