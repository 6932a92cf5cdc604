import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import {
  checkTensors,
  int64Batch,
  positionsInput,
  type EncodedBatch,
  type EncoderOutputs,
  type EncoderRunner,
  type GraphOptimization,
} from '../encoder-session.js';
import { OnnxRuntimeError } from '../errors.js';
import type { WorkerInit, WorkerJob } from './sequence-parallel-worker.js';

export interface SequenceParallelOptions {
  /** Worker threads, each with a one-thread onnxruntime session and a copy of the weights, at most 64. Default: the machine's cores, at most 8. */
  workers?: number;
  /** Default `all`. */
  graphOptimization?: GraphOptimization;
}

/** How long a worker gets to release its session and exit before it is terminated. */
const RELEASE_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(out: EncoderOutputs): void;
  reject(error: Error): void;
}

interface WorkerHandle {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Set once the worker has failed or exited: a message posted to it would never be answered. */
  gone?: OnnxRuntimeError;
}

/** Most workers a session starts: each holds a copy of the model's weights. */
export const MAX_WORKERS = 64;
/** Workers when none are asked for: the cores, at most this many (memory grows with each). */
const DEFAULT_MAX_WORKERS = 8;

/**
 * An exported model run by several one-thread onnxruntime-node sessions, each in a worker
 * thread with its own share of a batch's sequences. On batches of several sequences this
 * beats one session with as many intra-op threads (8x128 tokens on two cores: 10-15 %
 * faster for UltraFastBERT-1x11, about 8 % for crammedBERT-3072), since the threads never
 * wait for each other inside an operator. A batch of one sequence runs on one worker, so
 * for single-sentence latency an intra-op `OnnxEncoderSession` is the better choice. Each
 * worker holds its own copy of the weights: memory grows with the workers.
 */
export class SequenceParallelSession implements EncoderRunner {
  readonly threads: number;
  readonly parallelism = 'sequences';
  readonly graphOptimization: GraphOptimization;
  readonly hasLogits: boolean;
  readonly selectsPositions: boolean;
  private readonly workers: WorkerHandle[];
  private nextId = 0;
  private released = false;

  private constructor(workers: WorkerHandle[], graphOptimization: GraphOptimization, info: { hasLogits: boolean; selectsPositions: boolean }) {
    this.workers = workers;
    this.threads = workers.length;
    this.graphOptimization = graphOptimization;
    this.hasLogits = info.hasLogits;
    this.selectsPositions = info.selectsPositions;
  }

  /** Starts the workers on an exported model's bytes (passed to them in shared memory; each copies them once into onnxruntime). */
  static async create(model: Uint8Array, options: SequenceParallelOptions = {}): Promise<SequenceParallelSession> {
    const count = options.workers ?? Math.min(availableParallelism(), DEFAULT_MAX_WORKERS);
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_WORKERS)
      throw new OnnxRuntimeError(`workers must be an integer in [1, ${MAX_WORKERS}], got ${count}`);
    const graphOptimization = options.graphOptimization ?? 'all';
    const shared = new Uint8Array(new SharedArrayBuffer(model.length));
    shared.set(model);
    const init: WorkerInit = { model: shared, graphOptimization };
    const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(init)));
    const handles = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.handle] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(handles.map(closeWorker));
      throw failure.reason;
    }
    const info = (started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startWorker>>>).value.info;
    return new SequenceParallelSession(handles, graphOptimization, info);
  }

  async run(batch: EncodedBatch, positions?: readonly number[]): Promise<EncoderOutputs> {
    const { inputIds, attentionMask, dims } = int64Batch(batch);
    return this.runTensors(inputIds, attentionMask, dims, positions);
  }

  /**
   * Splits the batch's sequences into contiguous slices, one per worker (fewer when there
   * are fewer sequences), runs them at once and joins the outputs in the batch's order.
   */
  async runTensors(inputIds: BigInt64Array, attentionMask: BigInt64Array, dims: [number, number], positions?: readonly number[]): Promise<EncoderOutputs> {
    if (this.released) throw new OnnxRuntimeError('this session was released');
    checkTensors(inputIds, attentionMask, dims);
    const selected = positionsInput(this.selectsPositions, dims, positions);
    const [rows, width] = dims;
    const parts = Math.min(this.workers.length, rows);
    const starts = Array.from({ length: parts + 1 }, (_, i) => Math.floor((i * rows) / parts));
    // Each slice decodes the positions in its rows, in the order asked; a slice with none
    // decodes its first position (the graph needs one) and that row is dropped.
    const partOf = (p: number) => starts.findIndex((s, i) => i < parts && p >= s * width && p < starts[i + 1] * width);
    const local: number[][] = Array.from({ length: parts }, () => []);
    const where: Array<[number, number]> = [];
    if (selected) {
      for (const p of positions!) {
        const part = partOf(p);
        where.push([part, local[part].length]);
        local[part].push(p - starts[part] * width);
      }
    }
    const outs = await Promise.all(
      Array.from({ length: parts }, (_, i) => {
        const from = starts[i] * width;
        const to = starts[i + 1] * width;
        const job: Omit<WorkerJob, 'id'> = {
          inputIds: inputIds.slice(from, to),
          attentionMask: attentionMask.slice(from, to),
          dims: [starts[i + 1] - starts[i], width],
          ...(selected ? { positions: local[i].length ? local[i] : [0] } : {}),
        };
        return this.send(this.workers[i], job);
      }),
    );
    const hidden = concat(outs.map((o) => o.hiddenStates));
    const result: EncoderOutputs = { hiddenStates: hidden, hiddenDims: [rows, width, outs[0].hiddenDims[2]] };
    if (outs[0].logits && outs[0].logitsDims) {
      const inner = outs[0].logitsDims.slice(1).reduce((a, b) => a * b, 1);
      if (selected) {
        const vocab = outs[0].logitsDims[1];
        const logits = new Float32Array(where.length * vocab);
        where.forEach(([part, index], i) => logits.set(outs[part].logits!.subarray(index * vocab, (index + 1) * vocab), i * vocab));
        result.logits = logits;
        result.logitsDims = [where.length, vocab];
      } else {
        result.logits = concat(outs.map((o) => o.logits!));
        result.logitsDims = [result.logits.length / inner, ...outs[0].logitsDims.slice(1)];
      }
    }
    if (outs[0].routes && outs[0].routesDims) {
      // [layers, tokens, trees, levels] per slice: each layer's rows of every slice, in order.
      const [layers, , trees, levels] = outs[0].routesDims;
      const routes = new BigInt64Array(layers * rows * width * trees * levels);
      let offset = 0;
      for (let l = 0; l < layers; l++) {
        for (const o of outs) {
          const size = o.routes!.length / layers;
          routes.set(o.routes!.subarray(l * size, (l + 1) * size), offset);
          offset += size;
        }
      }
      result.routes = routes;
      result.routesDims = [layers, rows * width, trees, levels];
    }
    return result;
  }

  private send(handle: WorkerHandle, job: Omit<WorkerJob, 'id'>): Promise<EncoderOutputs> {
    const id = this.nextId++;
    if (handle.gone) return Promise.reject(handle.gone);
    return new Promise((resolve, reject) => {
      // A worker with work keeps the process alive; an idle one does not (see startWorker).
      if (handle.pending.size === 0) handle.worker.ref();
      handle.pending.set(id, { resolve, reject });
      handle.worker.postMessage({ ...job, id }, [job.inputIds.buffer as ArrayBuffer, job.attentionMask.buffer as ArrayBuffer]);
    });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await Promise.all(
      this.workers.map(async (handle) => {
        for (const p of handle.pending.values()) p.reject(new OnnxRuntimeError('the session was released during a run'));
        await closeWorker(handle);
      }),
    );
  }
}

/**
 * Asks a worker to release its session and waits for it to exit by itself: terminating it
 * while onnxruntime tears the session down aborts the whole process.
 */
async function closeWorker({ worker, gone }: WorkerHandle): Promise<void> {
  if (gone) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // The timer starts when the worker reads 'close', so a long run in progress is never cut short.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onClosing = (message: unknown) => {
    if (message === 'closing') timer = setTimeout(() => void worker.terminate(), RELEASE_TIMEOUT_MS);
  };
  worker.on('message', onClosing);
  worker.ref();
  worker.postMessage('close');
  await exited;
  worker.off('message', onClosing);
  clearTimeout(timer);
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

async function startWorker(init: WorkerInit): Promise<{ handle: WorkerHandle; info: { hasLogits: boolean; selectsPositions: boolean } }> {
  // None of the parent's flags: eval-mode ones (`node --input-type=module -e ...`) would stop a
  // worker started from a file, and V8's (`--max-old-space-size`, the bench's
  // `--experimental-wasm-relaxed-simd`) make Worker throw; V8's apply to every thread anyway.
  const worker = new Worker(new URL('./sequence-parallel-worker.js', import.meta.url), { workerData: init, execArgv: [] });
  const pending = new Map<number, Pending>();
  const handle: WorkerHandle = { worker, pending };
  const failAll = (error: OnnxRuntimeError) => {
    handle.gone ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  return new Promise((resolve, reject) => {
    worker.once('message', (first: { ready: boolean; error?: string; hasLogits: boolean; selectsPositions: boolean }) => {
      if (!first.ready) {
        void worker.terminate();
        reject(new OnnxRuntimeError(first.error ?? 'an onnxruntime worker did not start'));
        return;
      }
      worker.on('message', (reply: { id: number; out?: EncoderOutputs; error?: string }) => {
        const p = pending.get(reply?.id);
        if (!p) return;
        pending.delete(reply.id);
        if (pending.size === 0) worker.unref();
        if (reply.error !== undefined) p.reject(new OnnxRuntimeError(reply.error));
        else p.resolve(reply.out!);
      });
      // Idle workers do not keep the process alive: a script that never releases the session still ends.
      worker.unref();
      resolve({ handle, info: { hasLogits: first.hasLogits, selectsPositions: first.selectsPositions } });
    });
    worker.on('error', (error) => {
      const wrapped = new OnnxRuntimeError(`an onnxruntime worker failed: ${error.message}`);
      failAll(wrapped);
      reject(wrapped);
    });
    worker.on('exit', (code) => {
      const error = new OnnxRuntimeError(`an onnxruntime worker exited (code ${code})`);
      failAll(error);
      // Before its first message: it never became ready (a no-op once resolved).
      reject(error);
    });
  });
}
