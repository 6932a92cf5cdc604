import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { ATTENTION_MASK, HIDDEN_STATES, INPUT_IDS, LOGITS, POSITIONS, ROUTES } from './crammed-bert-graph.js';
import { OnnxRuntimeError } from './errors.js';

export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

/**
 * `intra-op`: one session whose operators split their work across the threads (onnxruntime's
 * default). `sequences`: one single-thread session per thread, each running its share of a
 * batch's sequences (`SequenceParallelSession`).
 */
export type Parallelism = 'intra-op' | 'sequences';

export interface OnnxSessionOptions {
  /** Intra-op threads. Default: the machine's cores (Node), 1 (browser: threads need a cross-origin-isolated page). */
  threads?: number;
  /** onnxruntime's graph optimisation level. Default `all`. */
  graphOptimization?: GraphOptimization;
}

/** The part of onnxruntime's API (the same in onnxruntime-node and onnxruntime-web) a session uses. */
export interface OrtApi {
  InferenceSession: { create(model: string | Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: {
    new (type: 'int64', data: BigInt64Array, dims: readonly number[]): Tensor;
    new (type: 'float32', data: Float32Array, dims: readonly number[]): Tensor;
  };
}

/**
 * What `EncoderSessionRuntime` runs: one exported graph (`EncoderSession`) or an encoder
 * split at its FFF blocks (`SplitEncoderSession`).
 */
export interface EncoderRunner {
  readonly threads: number;
  /** How the threads share the work: inside each operator, or one slice of the batch's sequences each. */
  readonly parallelism: Parallelism;
  readonly graphOptimization: GraphOptimization;
  /** Whether the model computes `logits`. */
  readonly hasLogits: boolean;
  /** Whether it decodes only the positions it is given (a head exported as `selected`). */
  readonly selectsPositions: boolean;
  run(batch: EncodedBatch, positions?: readonly number[]): Promise<EncoderOutputs>;
  /** `run` on int64 ids and mask of `dims` [batch, sequence]. */
  runTensors(inputIds: BigInt64Array, attentionMask: BigInt64Array, dims: [number, number], positions?: readonly number[]): Promise<EncoderOutputs>;
  release(): Promise<void>;
}

/** How a session was opened: threads and optimisation as resolved, and the execution providers asked for. */
export interface ResolvedSessionOptions {
  threads: number;
  graphOptimization: GraphOptimization;
  executionProviders?: readonly string[];
  /**
   * Whether onnxruntime's pool threads spin waiting for work between runs (its default).
   * A runtime that runs kernels of its own between runs turns it off, or the spinning
   * threads take the cores those kernels need.
   */
  spinning?: boolean;
}

/** An onnxruntime session of `model` (a path or URL, or its bytes), its load errors as `OnnxRuntimeError`. */
export async function createOrtSession(ort: OrtApi, model: string | Uint8Array, options: ResolvedSessionOptions): Promise<InferenceSession> {
  const { threads, graphOptimization } = options;
  if (!Number.isSafeInteger(threads) || threads < 1) throw new OnnxRuntimeError(`threads must be a positive integer, got ${threads}`);
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: graphOptimization,
    executionMode: 'sequential',
    // Errors reach the caller as OnnxRuntimeError; onnxruntime's own log would print each one again.
    logSeverityLevel: 3,
    ...(options.executionProviders ? { executionProviders: [...options.executionProviders] } : {}),
    ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
  };
  try {
    return typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    throw new OnnxRuntimeError(
      `onnxruntime cannot load ${typeof model === 'string' ? model : `a model of ${model.length} bytes`}: ${(error as Error).message}`,
    );
  }
}

/** A batch of token ids and its padding mask, rows of equal length. */
export interface EncodedBatch {
  inputIds: readonly (readonly number[])[];
  attentionMask: readonly (readonly number[])[];
}

export interface EncoderOutputs {
  /** [batch, sequence, H], row-major. */
  hiddenStates: Float32Array;
  hiddenDims: number[];
  /** What the graph's head computed (absent for a graph exported with `head: 'none'`). */
  logits?: Float32Array;
  logitsDims?: number[];
  /** [layers, batch * sequence, trees, depth + 1] global node indices (a graph exported with `routes: true`). */
  routes?: BigInt64Array;
  routesDims?: number[];
}

/**
 * An exported crammedBERT / UltraFastBERT graph in an onnxruntime session (onnxruntime-node:
 * `OnnxEncoderSession.create`; onnxruntime-web: `OnnxWebEncoderSession.create` of
 * `@ufbert/onnx/web`). onnxruntime runs every node of a graph whatever outputs are fetched,
 * so what is computed is chosen at export (`head`), not here.
 */
export class EncoderSession implements EncoderRunner {
  readonly threads: number;
  readonly parallelism = 'intra-op';
  readonly graphOptimization: GraphOptimization;
  /** Whether the graph has a `logits` output. */
  readonly hasLogits: boolean;
  /** Whether the graph decodes only the positions it is given (exported with `head: 'selected'`). */
  readonly selectsPositions: boolean;
  private readonly session: InferenceSession;
  private readonly ort: OrtApi;

  protected constructor(ort: OrtApi, session: InferenceSession, options: ResolvedSessionOptions) {
    this.ort = ort;
    this.session = session;
    this.threads = options.threads;
    this.graphOptimization = options.graphOptimization;
    this.hasLogits = session.outputNames.includes(LOGITS);
    this.selectsPositions = session.inputNames.includes(POSITIONS);
  }

  /** Opens an exported model (a path or URL, or its bytes) with `ort`, checking its inputs and outputs. */
  protected static async openSession(ort: OrtApi, model: string | Uint8Array, options: ResolvedSessionOptions): Promise<InferenceSession> {
    const session = await createOrtSession(ort, model, options);
    const missing = [INPUT_IDS, ATTENTION_MASK].filter((name) => !session.inputNames.includes(name));
    if (missing.length || !session.outputNames.includes(HIDDEN_STATES)) {
      await session.release();
      throw new OnnxRuntimeError(
        `expected an exported crammedBERT graph with inputs ${INPUT_IDS}, ${ATTENTION_MASK} and output ${HIDDEN_STATES}; got inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
      );
    }
    return session;
  }

  /** Runs the graph on one batch; `positions` (flat b * sequence + s) for a graph that decodes selected positions. */
  async run(batch: EncodedBatch, positions?: readonly number[]): Promise<EncoderOutputs> {
    const { inputIds, attentionMask, dims } = int64Batch(batch);
    return this.runTensors(inputIds, attentionMask, dims, positions);
  }

  /** Runs the graph on int64 ids and mask of `dims` [batch, sequence]. */
  async runTensors(inputIds: BigInt64Array, attentionMask: BigInt64Array, dims: [number, number], positions?: readonly number[]): Promise<EncoderOutputs> {
    checkTensors(inputIds, attentionMask, dims);
    const feeds: Record<string, Tensor> = {
      [INPUT_IDS]: new this.ort.Tensor('int64', inputIds, dims),
      [ATTENTION_MASK]: new this.ort.Tensor('int64', attentionMask, dims),
    };
    const selected = positionsInput(this.selectsPositions, dims, positions);
    if (selected) feeds[POSITIONS] = new this.ort.Tensor('int64', selected, [selected.length]);
    let out: InferenceSession.ReturnType;
    try {
      out = await this.session.run(feeds);
    } catch (error) {
      throw new OnnxRuntimeError(`onnxruntime failed on a batch of [${dims.join(', ')}]: ${(error as Error).message}`);
    }
    const hidden = out[HIDDEN_STATES];
    const logits = out[LOGITS];
    const routes = out[ROUTES];
    return {
      hiddenStates: hidden.data as Float32Array,
      hiddenDims: [...hidden.dims],
      ...(logits ? { logits: logits.data as Float32Array, logitsDims: [...logits.dims] } : {}),
      ...(routes ? { routes: routes.data as BigInt64Array, routesDims: [...routes.dims] } : {}),
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** A batch of rows as int64 ids and mask [batch, sequence], checked: equal row lengths, ids non-negative integers, mask values 0 or 1. */
export function int64Batch(batch: EncodedBatch): { inputIds: BigInt64Array; attentionMask: BigInt64Array; dims: [number, number] } {
  if (!isRows(batch?.inputIds) || !isRows(batch.attentionMask)) throw new OnnxRuntimeError('expected a batch { inputIds, attentionMask } of arrays of rows');
  const rows = batch.inputIds.length;
  const width = rows && isRows(batch.inputIds[0]) ? batch.inputIds[0].length : 0;
  if (rows === 0 || width === 0) throw new OnnxRuntimeError('expected at least one sequence of at least one token');
  if (batch.attentionMask.length !== rows) throw new OnnxRuntimeError(`expected ${rows} attention-mask rows, got ${batch.attentionMask.length}`);
  const inputIds = new BigInt64Array(rows * width);
  const attentionMask = new BigInt64Array(rows * width);
  for (let b = 0; b < rows; b++) {
    const idRow = batch.inputIds[b];
    const maskRow = batch.attentionMask[b];
    if (!isRows(idRow) || !isRows(maskRow)) throw new OnnxRuntimeError(`expected row ${b} of ids and of the mask as arrays`);
    if (idRow.length !== width || maskRow.length !== width)
      throw new OnnxRuntimeError(`expected every row of ${width} tokens, row ${b} has ${idRow.length} ids and ${maskRow.length} mask values`);
    for (let s = 0; s < width; s++) {
      const id = idRow[s];
      const keep = maskRow[s];
      if (!Number.isSafeInteger(id) || id < 0)
        throw new OnnxRuntimeError(`expected token ids as non-negative integers, got ${String(id).slice(0, 20)} at [${b}, ${s}]`);
      if (keep !== 0 && keep !== 1) throw new OnnxRuntimeError(`expected attention-mask values 0 or 1, got ${String(keep).slice(0, 20)} at [${b}, ${s}]`);
      inputIds[b * width + s] = BigInt(id);
      attentionMask[b * width + s] = BigInt(keep);
    }
  }
  return { inputIds, attentionMask, dims: [rows, width] };
}

/**
 * Checks int64 ids and mask against `dims` [batch, sequence], and their values: ids
 * non-negative (a Gather would wrap a negative one to the end of the vocabulary), mask 0 or 1.
 */
export function checkTensors(inputIds: BigInt64Array, attentionMask: BigInt64Array, dims: readonly number[]): void {
  if (!(inputIds instanceof BigInt64Array) || !(attentionMask instanceof BigInt64Array)) throw new OnnxRuntimeError('expected ids and mask as BigInt64Arrays');
  if (dims.length !== 2 || !dims.every((d) => Number.isSafeInteger(d) && d > 0))
    throw new OnnxRuntimeError(`expected dims [batch, sequence] of positive integers, got [${dims.join(', ')}]`);
  if (inputIds.length !== dims[0] * dims[1] || attentionMask.length !== inputIds.length) {
    throw new OnnxRuntimeError(`expected ids and mask of ${dims[0]}x${dims[1]} values, got ${inputIds.length} and ${attentionMask.length}`);
  }
  for (let i = 0; i < inputIds.length; i++) {
    if (inputIds[i] < 0n) throw new OnnxRuntimeError(`expected token ids as non-negative integers, got ${inputIds[i]} at flat index ${i}`);
    if (attentionMask[i] !== 0n && attentionMask[i] !== 1n)
      throw new OnnxRuntimeError(`expected attention-mask values 0 or 1, got ${attentionMask[i]} at flat index ${i}`);
  }
}

/** The `positions` input of a graph that decodes selected positions (checked to lie in the batch), undefined for one that does not. */
export function positionsInput(selectsPositions: boolean, dims: readonly number[], positions?: readonly number[]): BigInt64Array | undefined {
  if (!selectsPositions) {
    if (positions) throw new OnnxRuntimeError(`this graph has no ${POSITIONS} input: export it with head 'selected' to decode chosen positions`);
    return undefined;
  }
  if (!positions) throw new OnnxRuntimeError(`this graph decodes selected positions: expected the ${POSITIONS} to decode`);
  const limit = dims[0] * dims[1];
  if (!isRows(positions)) throw new OnnxRuntimeError(`expected the ${POSITIONS} as an array of integers`);
  const bad = positions.findIndex((p) => !Number.isSafeInteger(p) || p < 0 || p >= limit);
  if (bad !== -1) throw new OnnxRuntimeError(`expected positions in [0, ${limit}), got ${String(positions[bad]).slice(0, 20)}`);
  return BigInt64Array.from(positions, BigInt);
}

/** An array, or a typed array, of rows or values. */
function isRows(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}
