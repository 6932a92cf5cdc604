// How the thread pool gets its workers on each host: Node's worker_threads, or a page's
// (or a Web Worker's) Web Workers. The pool's protocol and the workers' body are the same
// on both (threads.ts); a host only creates a worker, hands it its start-up data
// (workerData in Node, the first message on the web) and says how its own thread may wait.

/** What every worker of a pool starts with: the same module, the same memory, the pool's control block, its slot. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  slot: number;
  names: readonly string[];
}

/** A started worker, as far as the pool needs one. */
export interface PoolWorker {
  terminate(): void;
}

export interface WorkerHost {
  readonly name: 'node' | 'web';
  /**
   * Whether a worker runs while its creator blocks: Node's do (start-up needs nothing of
   * the creator's thread); a Web Worker needs its creator to return to the event loop.
   */
  readonly startsWhileBlocked: boolean;
  /** Whether this thread may sleep in Atomics.wait (a browser's main thread may not: it throws). */
  readonly canWait: boolean;
  /** Threads this machine offers (CPUs, or navigator.hardwareConcurrency). */
  readonly cpus: number;
  /**
   * Starts a worker that runs `body`, a function expression `(init) => void`, with `init`;
   * `onError` hears of a worker that failed before or while running it.
   */
  spawn(body: string, init: WorkerInit, onError: () => void): PoolWorker;
}

type Globals = {
  process?: { getBuiltinModule?: (id: string) => unknown };
  crossOriginIsolated?: boolean;
  Worker?: typeof Worker;
  navigator?: { hardwareConcurrency?: number };
};
const globals = globalThis as Globals;

/** Node's worker_threads, reached without a static import so bundles for browsers stay clean. */
export function nodeWorkerThreads(): typeof import('node:worker_threads') | undefined {
  const proc = globals.process;
  if (typeof SharedArrayBuffer !== 'function' || typeof proc?.getBuiltinModule !== 'function') return undefined;
  return proc.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads') | undefined;
}

function threadMayWait(): boolean {
  try {
    // Throws a TypeError where the agent cannot suspend (a browser's main thread), before it looks at the value.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function nodeHost(threads: typeof import('node:worker_threads')): WorkerHost {
  const os = globals.process?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  return {
    name: 'node',
    startsWhileBlocked: true,
    canWait: true,
    cpus: os ? (os.availableParallelism?.() ?? os.cpus().length) : 1,
    spawn(body, init, onError) {
      // Evaluated as CommonJS or as an ES module alike: a dynamic import() is valid in both,
      // where require() exists only in CommonJS and a static import only in modules. Node
      // decides which from flags such as --input-type=module or --experimental-default-type,
      // which a worker would otherwise inherit from the parent's command line or NODE_OPTIONS.
      const source = `import('node:worker_threads').then(({ workerData }) => (${body})(workerData));`;
      // The parent's flags are its own business (--input-type=module, --eval, --inspect ...).
      const worker = new threads.Worker(source, { eval: true, execArgv: [], workerData: init });
      // Without a listener, a worker's uncaught error is rethrown in the parent and ends
      // the process, possibly long after the kernels finished on the main thread.
      worker.on('error', onError);
      // Idle workers sleep in Atomics.wait; unref lets the process exit around them.
      worker.unref();
      return { terminate: () => void worker.terminate() };
    },
  };
}

/** One Blob URL per worker body for the page's life: a bundled page has no file of cmm's to point a Worker at. */
const blobUrls = new Map<string, string>();

function webHost(WorkerClass: typeof Worker): WorkerHost {
  return {
    name: 'web',
    startsWhileBlocked: false,
    canWait: threadMayWait(),
    cpus: globals.navigator?.hardwareConcurrency ?? 1,
    spawn(body, init, onError) {
      const source = `self.onmessage = (event) => { self.onmessage = null; (${body})(event.data); };`;
      let url = blobUrls.get(source);
      if (!url) blobUrls.set(source, (url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))));
      const worker = new WorkerClass(url, { name: `ufbert-cmm-${init.slot}` });
      worker.onerror = (event) => {
        event.preventDefault();
        onError();
      };
      worker.onmessageerror = onError;
      // A module and a shared memory cross by postMessage within one agent cluster (a cross-origin-isolated page).
      worker.postMessage(init);
      return { terminate: () => worker.terminate() };
    },
  };
}

let detected: { host?: WorkerHost; reason?: string } | undefined;

function detect(): { host?: WorkerHost; reason?: string } {
  const threads = nodeWorkerThreads();
  if (threads) return { host: nodeHost(threads) };
  if (globals.process?.getBuiltinModule) return { reason: 'SharedArrayBuffer is not available in this process' };
  if (typeof globals.Worker !== 'function') return { reason: 'this context has neither Node worker_threads nor Web Workers' };
  if (globals.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') {
    return {
      reason:
        'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
        'Cross-Origin-Embedder-Policy: require-corp), so it has no SharedArrayBuffer to share the module memory',
    };
  }
  return { host: webHost(globals.Worker) };
}

/** The host's workers, or undefined where threads cannot share the module's memory here. */
export function workerHost(): WorkerHost | undefined {
  return (detected ??= detect()).host;
}

/** Why workerHost() is undefined here; undefined where it is not. */
export function workerHostUnavailableReason(): string | undefined {
  return (detected ??= detect()).reason;
}
