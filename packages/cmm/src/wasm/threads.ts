import { initWasm, wasmInstance, type WasmInstance } from './wasm-instance.js';
import { PROBE_HV, probeRegions, probeReps } from './simd-throughput.js';
import { ThreadOptionsError, WorkerPoolError } from '../errors.js';
import type { ThreadOptions } from '../types.js';
import { workerHost, workerHostUnavailableReason, type PoolWorker, type WorkerHost } from './worker-host.js';

// A pool of workers (Node's worker threads, or Web Workers in a cross-origin-isolated
// page: worker-host.ts) that instantiate the shared-memory module on the same
// WebAssembly.Memory. Kernels stay synchronous: the main thread posts each worker its
// share through a shared control block, does its own share, then waits: with
// Atomics.wait where its thread may sleep (Node), by polling where it may not (a
// browser's main thread).
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

export type PoolFunction = 'conditionalTokens' | 'conditionalTokensQ8' | 'gemmPacked' | 'probe' | 'touchTreeTops';
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
/** Polls between two looks at the clock where the main thread may not sleep and polls until the deadline. */
const CLOCK_EVERY = 4096;

// The one body of every worker, on every host (worker-host.ts wraps it in the host's way
// of receiving `init`). Workers may always sleep in Atomics.wait.
const workerBody = `(init) => {
const { module, memory, control, slot, names } = init;
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
if (!fns) return;
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
}`;

/**
 * How one prepared WASM kernel uses threads, resolved from its ThreadOptions: a kernel
 * instance owns its thread count, as a ggml backend does, so two models in one process
 * can run with different counts. The pool of workers is shared (a resource), grown to the
 * largest count asked for; a call uses `threads` of them.
 */
export interface ThreadSettings {
  /** Threads in all, the main thread included; 1 runs single-threaded. Default: the number of CPUs (in a page navigator.hardwareConcurrency), at most 8. */
  readonly threads: number;
  /** Smallest batch a conditional kernel splits across threads. */
  readonly minConditionalBatch: number;
  /** Smallest product batch * M * (H + O), the multiply-adds of a dense call, that a dense kernel splits across threads. */
  readonly minDenseWork: number;
  /**
   * Measure, when the pool starts, whether threads add SIMD throughput here, and run
   * single-threaded if they do not (two vCPUs on one physical core, a busy host).
   */
  readonly calibrate: boolean;
}

/** The default thread count of a kernel: the number of CPUs, at most 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, workerHost()?.cpus ?? 1));
}

// A split costs a few µs with the worker polling (more if it sleeps, though then the
// caller takes the share back); below these sizes it is not worth it. 16 tokens of
// FFF-1x11 take ~35 µs on one thread.
const DEFAULTS = { minConditionalBatch: 16, minDenseWork: 1 << 22, calibrate: true } as const;

/** A kernel's thread settings from its options (what is left out takes the default), checked. */
export function resolveThreadSettings(options: ThreadOptions = {}): ThreadSettings {
  for (const key of ['threads', 'minConditionalBatch', 'minDenseWork'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isInteger(value) || value < (key === 'threads' ? 1 : 0))) {
      throw new ThreadOptionsError(`${key} must be ${key === 'threads' ? 'an integer of at least 1' : 'a non-negative integer'}, got ${value}`);
    }
  }
  if (options.calibrate !== undefined && typeof options.calibrate !== 'boolean') {
    throw new ThreadOptionsError(`calibrate must be a boolean, got ${String(options.calibrate)}`);
  }
  return {
    threads: options.threads ?? defaultThreadCount(),
    minConditionalBatch: options.minConditionalBatch ?? DEFAULTS.minConditionalBatch,
    minDenseWork: options.minDenseWork ?? DEFAULTS.minDenseWork,
    calibrate: options.calibrate ?? DEFAULTS.calibrate,
  };
}

/** Most workers a pool holds; its control block is sized for them up front. */
const MAX_WORKERS = 63;

export class ThreadPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(MAX_WORKERS * STRIDE * 4));
  private seq = 0;
  /** per worker, its job not yet joined; an optional one (`offer`) is dropped, not run, when taken back */
  private readonly pending: Array<{ seq: number; fn: PoolFunction; args: readonly number[]; optional: boolean } | undefined> = [];
  private started = 0;
  private readonly workers: PoolWorker[] = [];

  constructor(
    readonly runtime: WasmInstance,
    readonly host: WorkerHost,
  ) {}

  /** Threads available, the calling thread included. */
  get size(): number {
    return this.started + 1;
  }

  /** Starts the workers of slots [started, target) without waiting for them; false (all stopped) if one cannot be created. */
  private spawn(target: number): boolean {
    if (!this.runtime.shared) return false;
    for (let slot = this.workers.length; slot < target; slot++) {
      const at = slot * STRIDE + READY;
      const init = { module: this.runtime.module, memory: this.runtime.memory, control: this.control.buffer as SharedArrayBuffer, slot, names: FUNCTIONS };
      try {
        // a worker that fails before it could say so counts as one that failed to start
        this.workers.push(this.host.spawn(workerBody, init, () => void Atomics.compareExchange(this.control, at, 0, -1)));
      } catch {
        this.close();
        return false;
      }
    }
    return true;
  }

  /**
   * Starts workers until there are `workers` of them (at most MAX_WORKERS), waiting
   * until each has instantiated the module. Returns false if one fails to start, having
   * stopped them all: the caller then runs single-threaded rather than half-threaded.
   * Only where workers start while their creator blocks (Node); see growAsync.
   */
  grow(workers: number): boolean {
    if (!this.host.startsWhileBlocked) throw new WorkerPoolError(`ThreadPool.grow: ${this.host.name} workers start only once the caller yields; use growAsync`);
    const target = Math.min(workers, MAX_WORKERS);
    const first = this.started;
    if (!this.spawn(target)) return false;
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

  /**
   * grow() for hosts whose workers start only once their creator returns to the event
   * loop (Web Workers): awaits each worker's start, yielding between looks, so the
   * calling thread never blocks. The workers join the pool together, once all run.
   */
  async growAsync(workers: number): Promise<boolean> {
    const target = Math.min(workers, MAX_WORKERS);
    if (!this.spawn(target)) return false;
    const deadline = Date.now() + START_MS;
    for (let slot = this.started; slot < target; slot++) {
      const at = slot * STRIDE + READY;
      while (Atomics.load(this.control, at) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      if (Atomics.load(this.control, at) !== 1) {
        this.close();
        return false;
      }
    }
    this.started = Math.max(this.started, target);
    return true;
  }

  /** Stops every worker; the pool is single-threaded (size 1) afterwards. */
  close(): void {
    for (const worker of this.workers) worker.terminate();
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
    if (w < 0 || w >= this.started) throw new WorkerPoolError(`ThreadPool.post: thread must be 1..${this.started}, got ${thread}`);
    if (this.pending[w]?.optional) this.join(thread);
    if (this.pending[w]) throw new WorkerPoolError(`ThreadPool.post: thread ${thread} has a job not yet joined`);
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
    if (w < 0 || w >= this.started) throw new WorkerPoolError(`ThreadPool.offer: thread must be 1..${this.started}, got ${thread}`);
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
    if (Atomics.load(this.control, at) !== job.seq) (this.host.canWait ? this.sleepUntilDone : this.pollUntilDone).call(this, thread, job.fn, at, job.seq);
    if (this.control[base + FAILED]) throw new WorkerPoolError(`wasm worker ${thread} failed running ${job.fn}`);
    return true;
  }

  private stuck(thread: number, fn: PoolFunction): WorkerPoolError {
    return new WorkerPoolError(`wasm worker ${thread} has not finished ${fn} after ${STUCK_MS / 1000} s (expected it within a kernel call's time)`);
  }

  private sleepUntilDone(thread: number, fn: PoolFunction, at: number, seq: number): void {
    const deadline = performance.now() + STUCK_MS;
    for (let done: number; (done = Atomics.load(this.control, at)) !== seq; ) {
      if (performance.now() > deadline) throw this.stuck(thread, fn);
      // Sleep only on the value just seen to be short of seq: loading it again here
      // could read seq itself, after the worker's notify, and sleep out the timeout.
      Atomics.wait(this.control, at, done, 1000);
    }
  }

  /** A browser's main thread may not sleep: it polls, looking at the clock now and then, until the deadline. */
  private pollUntilDone(thread: number, fn: PoolFunction, at: number, seq: number): void {
    const deadline = performance.now() + STUCK_MS;
    for (let i = 1; Atomics.load(this.control, at) !== seq; i++) {
      if (i % CLOCK_EVERY === 0 && performance.now() > deadline) throw this.stuck(thread, fn);
    }
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
  return runThrough(threadSpeedupRounds(pool, threads));
}

/** Runs a generator of steps to its end, without pausing between them. */
function runThrough<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * measureThreadSpeedup as steps of one round each (a single and a parallel run, a few
 * ms): whoever drives it may yield to its event loop between two (a page's main thread),
 * then wake() the pool so the next round does not time a worker's wake-up.
 */
function* threadSpeedupRounds(pool: ThreadPool, threads: number): Generator<void, number> {
  const rt = pool.runtime;
  const hv = PROBE_HV;
  const region = probeRegions(rt, 'threads.probe', threads);
  const reps = probeReps(rt, region(0), 1);
  const parallel = (): void => pool.run('probe', (i) => (i < threads ? [region(i), hv, reps] : undefined));
  // a worker's first calls can be 10-30x slower (its code not yet optimised, its
  // thread asleep): warm up until a parallel round takes less than twice a single one
  for (let round = 0; round < 20; round++) {
    yield;
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
    yield;
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
/** Why the pool runs no workers, once it has given up on them (a worker that failed to start). */
let poolFailed: string | undefined;
/** A start under way on a host whose workers start asynchronously (the web). */
let starting: Promise<number> | undefined;
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
/** Measurements per calibration, at most; it stops at the first that shows threads paying. */
const CALIBRATION_TRIES = 3;

/** Whether the pool for `threads` threads is due a calibration: never measured, or found not paying a while ago. */
function calibrationDue(threads: number): boolean {
  const useful = calibrated.get(threads);
  const tried = attempts.get(threads) ?? { count: 0, at: 0 };
  return useful === undefined || (useful === 1 && tried.count < MAX_CALIBRATIONS && performance.now() - tried.at > RECALIBRATE_AFTER_MS);
}

/**
 * Measures whether `threads` threads pay and records it, in steps of one measurement
 * round (see threadSpeedupRounds). Worth it if each extra thread adds at least half a
 * thread of throughput. Other load only ever lowers a measurement, so the best of up to
 * three (~12 ms each) says what the cores can do.
 */
function* calibration(p: ThreadPool, threads: number): Generator<void, number> {
  const wanted = 1 + 0.5 * (threads - 1);
  let speedup = 0;
  for (let i = 0; i < CALIBRATION_TRIES && speedup < wanted; i++) speedup = Math.max(speedup, yield* threadSpeedupRounds(p, threads));
  return record(threads, speedup >= wanted ? threads : 1);
}

/**
 * A task of its own, soon: a message to itself is not clamped as nested timeouts are
 * (4 ms), which would let the workers fall asleep between two rounds.
 */
function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/** calibration(), handing the thread back to its event loop between two rounds: a page's main thread is held a round (a few ms) at a time. */
async function calibrateYielding(p: ThreadPool, threads: number): Promise<number> {
  const steps = calibration(p, threads);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await nextTask();
    p.wake();
  }
}

function record(threads: number, useful: number): number {
  const tried = attempts.get(threads) ?? { count: 0, at: 0 };
  calibrated.set(threads, useful);
  attempts.set(threads, { count: tried.count + 1, at: performance.now() });
  return useful;
}

/**
 * The shared pool, started or grown on first use to serve `settings.threads` threads;
 * undefined where threads are unavailable, off, not ready yet, or found not to pay. It may
 * hold more workers than asked (another kernel asked for more): use `settings.threads` of them.
 */
export function threadPool(settings: ThreadSettings): ThreadPool | undefined {
  const workers = settings.threads - 1;
  if (workers < 1 || poolFailed !== undefined) return undefined;
  const host = workerHost();
  if (!host) return undefined;
  if (!host.startsWhileBlocked) {
    // Web Workers start only once this thread yields: start them (and calibrate) in the
    // background, and run single-threaded until they are ready.
    if (starting || !pool || pool.size <= workers || (settings.calibrate && calibrationDue(settings.threads))) {
      void threadPoolReady(settings);
      return undefined;
    }
    return !settings.calibrate || calibrated.get(settings.threads) !== 1 ? pool : undefined;
  }
  pool ??= new ThreadPool(wasmInstance(), host);
  if (pool.size <= workers && !pool.grow(workers)) {
    poolFailed = `a worker thread did not start within ${START_MS / 1000} s (or could not be created)`;
    return undefined;
  }
  if (settings.calibrate) {
    const threads = settings.threads;
    const useful = calibrationDue(threads) ? runThrough(calibration(pool, threads)) : calibrated.get(threads);
    if (useful === 1) return undefined;
  }
  return pool;
}

/**
 * Starts (and calibrates) the pool for `options` (resolved as a kernel resolves them) now
 * rather than inside the first large kernel call, which would otherwise take tens of ms
 * longer. Returns the threads a kernel with these options will use now, 1 where threads
 * are off, unavailable or did not pay. The WASM kernels call it from prepare(). In a page
 * the workers start only once the caller yields: there it begins the start and returns 1
 * until the pool is ready; `await threadPoolReady()` waits for it.
 */
export function startThreadPool(options: ThreadOptions | ThreadSettings = {}): number {
  const settings = resolveThreadSettings(options);
  if (settings.threads <= 1) return 1;
  return threadPool(settings) ? settings.threads : 1;
}

/**
 * Starts (and calibrates) the pool for `options`, on any host, and resolves with the
 * threads a kernel with these options will use: 1 where threads are off, unavailable (a
 * page that is not cross-origin isolated; see threadPoolStatus) or did not pay. In a
 * page it never blocks the main thread for more than one calibration measurement
 * (~12 ms); kernels called before it resolves run single-threaded. Never rejects (it
 * throws ThreadOptionsError at once on invalid options).
 */
export function threadPoolReady(options: ThreadOptions | ThreadSettings = {}): Promise<number> {
  const settings = resolveThreadSettings(options);
  const host = workerHost();
  if (settings.threads <= 1 || !host) return Promise.resolve(1);
  if (host.startsWhileBlocked) return Promise.resolve(startThreadPool(settings));
  starting ??= startWebPool(host, settings).finally(() => {
    starting = undefined;
  });
  return starting;
}

async function startWebPool(host: WorkerHost, settings: ThreadSettings): Promise<number> {
  const threads = settings.threads;
  if (poolFailed !== undefined) return 1;
  try {
    // compiles the module off the main thread's critical path (a page may not compile it synchronously)
    await initWasm();
    pool ??= new ThreadPool(wasmInstance(), host);
    if (pool.size < threads && !(await pool.growAsync(threads - 1))) {
      poolFailed = `a Web Worker did not start within ${START_MS / 1000} s (or could not be created)`;
      return 1;
    }
    if (!settings.calibrate) return threads;
    return calibrationDue(threads) ? await calibrateYielding(pool, threads) : calibrated.get(threads)!;
  } catch (err) {
    pool?.close();
    poolFailed = `the pool failed to start: ${(err as Error).message}`;
    return 1;
  }
}

/** What the WASM kernels' threads are doing for a given request, and why there are none where there are none. */
export interface ThreadPoolStatus {
  /** Threads a kernel with these options uses now, the calling thread included. */
  threads: number;
  /**
   * `off`: the options ask for 1 thread; `unavailable`: this host cannot share the module's
   * memory with workers, or a worker failed to start; `starting`: Web Workers are
   * starting (the kernels run single-threaded meanwhile); `idle`: not started yet;
   * `single-threaded`: calibration found threads add no throughput here; `running`.
   */
  state: 'off' | 'unavailable' | 'idle' | 'starting' | 'single-threaded' | 'running';
  /** Why the kernels run one thread, where they do. */
  reason?: string;
}

/** The pool's state for a kernel prepared with `options`. */
export function threadPoolStatus(options: ThreadOptions | ThreadSettings = {}): ThreadPoolStatus {
  const settings = resolveThreadSettings(options);
  const threads = settings.threads;
  if (threads <= 1) return { threads: 1, state: 'off', reason: 'threads: 1 was asked for' };
  const unavailable = workerHostUnavailableReason() ?? poolFailed;
  if (unavailable !== undefined) return { threads: 1, state: 'unavailable', reason: unavailable };
  if (starting) return { threads: 1, state: 'starting', reason: 'the workers are starting (await threadPoolReady())' };
  if (!pool || pool.size < threads) return { threads: 1, state: 'idle', reason: 'the pool has not been started (startThreadPool() or threadPoolReady())' };
  if (settings.calibrate && calibrated.get(threads) === 1) {
    return { threads: 1, state: 'single-threaded', reason: `calibration found ${threads} threads add no SIMD throughput on this machine now` };
  }
  return { threads, state: 'running' };
}

/** What calibration last found per requested thread count: the threads used (1 when threads did not pay, so far). */
export function threadCalibration(): ReadonlyMap<number, number> {
  return calibrated;
}

/** Splits [0, total) into `parts` contiguous ranges as equal as possible; range i is [start(i), start(i+1)). */
export function splitStart(total: number, parts: number, i: number): number {
  return Math.floor((total * i) / parts);
}
