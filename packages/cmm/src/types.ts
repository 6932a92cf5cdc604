/** A float32 tensor on the host: row-major values and the shape they have. */
export interface TensorView {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** Backends whose kernels run synchronously on host arrays. */
export type HostKernelBackend = 'ts' | 'wasm';
/** Every backend of the registry: `ts` and `wasm` on host arrays, `webgpu` on the GPU (its `run` answers with a Promise). */
export type KernelBackend = HostKernelBackend | 'webgpu';
/** Implementation levels as in the paper: 1 (dot + axpy per neuron), 2 (batched matrix-vector), 3 (matrix-matrix), and the fastest fused kernel a backend offers. */
export type KernelLevel = 1 | 2 | 3 | 'fused';

/**
 * How a kernel stores its weights: `fp32`, or `q8`, int8 rows with one float scale per row
 * (transformers.js's name for its int8 models). A property of the prepared weights, not of
 * the kernel's contract: a q8 kernel takes and returns the same float arrays.
 */
export type WeightDtype = 'fp32' | 'q8';

/** Geometry of an FFF layer: `trees` (k) trees of depth `depth` (d), inputs of width H, outputs of width O. */
export interface ConditionalShape {
  readonly trees: number;
  readonly depth: number;
  readonly inputSize: number;
  readonly outputSize: number;
}

/** FFF parameters in the reference layout: linear_in.weight [N, H], linear_in.bias [N], linear_out.weight [O, N]. */
export interface ConditionalWeights {
  readonly wIn: TensorView;
  readonly bIn: TensorView;
  readonly wOut: TensorView;
}

/**
 * FFF weights already quantized to int8 rows (what a q8 kernel's `prepare` makes from float
 * weights, or what a q8 file holds): row i of a table means `scale[i] * table[i, :]`.
 */
export interface QuantizedConditionalWeights {
  /** linear_in.weight as int8 [N, H] */
  readonly wIn: Int8Array;
  /** [N], one per row of wIn */
  readonly wInScale: Float32Array;
  /** linear_in.bias [N], float */
  readonly bIn: Float32Array;
  /** linear_out.weight transposed, node-major: int8 [N, O], so a visited node's output column is one contiguous row */
  readonly wOutT: Int8Array;
  /** [N], one per row of wOutT */
  readonly wOutScale: Float32Array;
}

/** Geometry of a dense feedforward layer: H inputs, M hidden neurons, O outputs. */
export interface DenseShape {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
}

/** Dense feedforward parameters: dense_in.weight [M, H], optional dense_in.bias [M], dense_out.weight [O, M]. */
export interface DenseWeights {
  readonly wIn: TensorView;
  readonly bIn?: TensorView;
  readonly wOut: TensorView;
}

/**
 * How a prepared kernel uses threads (cmm's wasm kernels split large calls across a shared
 * worker pool; kernels without threads ignore these). A property of the prepared kernel,
 * passed down from whoever chooses it (model -> FFF layer -> kernel), never a process
 * global: two models in one process may run with different counts.
 */
export interface ThreadOptions {
  /** Threads in all, the calling thread included; 1 runs single-threaded. Default: the number of CPUs, at most 8. */
  readonly threads?: number;
  /** Smallest batch a conditional kernel splits across threads. Default 16. */
  readonly minConditionalBatch?: number;
  /** Smallest product batch * M * (H + O) a dense kernel splits across threads. Default 2^22. */
  readonly minDenseWork?: number;
  /** Measure once whether threads add throughput here and run single-threaded if not. Default true. */
  readonly calibrate?: boolean;
}

/** What `prepare` returns: weights in the layout the kernel wants, owned until `dispose()`. */
export interface PreparedKernel<S> {
  readonly shape: S;
  /** Releases what prepare allocated (WASM memory); the object cannot be run afterwards. */
  dispose(): void;
}

export type PreparedConditional = PreparedKernel<ConditionalShape>;
export type PreparedDense = PreparedKernel<DenseShape>;

export interface ConditionalRunOptions {
  /** Also return the global index (t*n + node) of the neuron visited at each level, [B, k, d+1]. */
  readonly returnNodes?: boolean;
  /** A [B, O] array to write y into (and return) instead of allocating one. */
  readonly out?: Float32Array;
}

export interface DenseRunOptions {
  /** A [B, O] array to write y into (and return) instead of allocating one. */
  readonly out?: Float32Array;
}

export interface ConditionalResult {
  /** [B, O] */
  readonly y: Float32Array;
  /** [B, k, d+1], present when `returnNodes` was set. */
  readonly nodes?: Int32Array;
}

export interface DenseResult {
  /** [B, O] */
  readonly y: Float32Array;
}

export interface ForwardTrainInputs {
  /** [B, H] */
  readonly x: Float32Array;
  readonly batch: number;
  readonly weights: ConditionalWeights;
}

export interface ForwardTrainResult {
  /** [B, O] */
  readonly y: Float32Array;
  /** [B, k, d+1], global neuron indices */
  readonly nodes: Int32Array;
  /** [B, k, d+1], the pre-activation of each visited neuron */
  readonly logits: Float32Array;
  /** What the backward of this step can reuse instead of gathering it again (set by the CPU kernels). */
  readonly saved?: ForwardTrainSaved;
}

/** The visited columns of linear_out.weight, gathered by a training forward; valid while the weights are unchanged. */
export interface ForwardTrainSaved {
  /** The visited neurons, ascending; U of them. */
  readonly neurons: Int32Array;
  /** Row u is column neurons[u] of linear_out.weight: [U, O]. */
  readonly wOutColumns: Float32Array;
}

export interface BackwardInputs {
  /** [B, O] */
  readonly dy: Float32Array;
  /** [B, H] */
  readonly x: Float32Array;
  readonly batch: number;
  /** linear_in.weight [N, H] */
  readonly wIn: TensorView;
  /** linear_out.weight [O, N] */
  readonly wOut: TensorView;
  /** [B, k, d+1], from the forward pass */
  readonly nodes: Int32Array;
  /** [B, k, d+1], from the forward pass */
  readonly logits: Float32Array;
  /**
   * Add the weight gradients into these arrays (and return them) instead of fresh
   * zero-filled ones: accumulation across micro-batches, or buffers reused from step
   * to step (zero the `neurons` of the result between steps). Saves allocating and
   * zeroing N (H + O) floats per call.
   */
  readonly accumulateInto?: WeightGradients;
  /**
   * The `saved` of the forward that produced `nodes`, on the same weights: the backward
   * then skips gathering wOut's visited columns (a pass over all of linear_out.weight).
   */
  readonly saved?: ForwardTrainSaved;
}

/** Gradients of linear_in.weight [N, H], linear_in.bias [N] and linear_out.weight [O, N]. */
export interface WeightGradients {
  readonly dWIn: Float32Array;
  readonly dbIn: Float32Array;
  readonly dWOut: Float32Array;
}

export interface BackwardResult {
  /** [B, H] */
  readonly dx: Float32Array;
  /** [N, H], zero outside visited rows */
  readonly dWIn: Float32Array;
  /** [N] */
  readonly dbIn: Float32Array;
  /** [O, N], zero outside visited columns */
  readonly dWOut: Float32Array;
  /** The visited neurons, ascending: the only rows of dWIn, entries of dbIn and columns of dWOut this call touched (set by the CPU kernels). */
  readonly neurons?: Int32Array;
}

interface KernelIdentity<Name extends string> {
  readonly kernelName: Name;
  readonly backend: HostKernelBackend;
  readonly level: KernelLevel;
  /** How it stores its weights; absent: `fp32`. */
  readonly dtype?: WeightDtype;
  /** Whether this kernel can run here (WebAssembly SIMD present, ...). */
  isSupported(): boolean;
  /** Whether it runs on a device emulated on the CPU (a software GPU adapter): never a default choice then. */
  isEmulated?(): boolean;
}

/**
 * Conditional (FFF) inference: y = sum over trees and levels of GELU(x . wIn[node] + bIn[node]) * wOut[:, node],
 * going to child 2i + 2 when the logit is > 0, else to 2i + 1: a logit of exactly 0 goes left, and so
 * does NaN (its token's output is then NaN).
 */
export interface ConditionalMatmulKernel extends KernelIdentity<'ConditionalMatmul'> {
  prepare(weights: ConditionalWeights, shape: ConditionalShape, threads?: ThreadOptions): PreparedConditional;
  run(prepared: PreparedConditional, x: Float32Array, batch: number, options?: ConditionalRunOptions): ConditionalResult;
  /**
   * Optional, a hint: the next `run` on `prepared` will take `batch` tokens. A kernel with
   * an idle thread starts reading the weights every such call visits (the trees' top
   * levels) into the shared cache, and returns at once. It never changes a result; kernels
   * without threads leave it out. Call it while the caller's own thread still has other
   * work (in a model: before the norm that feeds the layer).
   */
  prefetch?(prepared: PreparedConditional, batch: number): void;
  /** Present on q8 kernels: prepares tables already quantized (checked, copied) instead of quantizing float weights. */
  prepareQuantized?(tables: QuantizedConditionalWeights, shape: ConditionalShape, threads?: ThreadOptions): PreparedConditional;
}

/** Dense feedforward: y = GELU(x wIn^T + bIn) wOut^T. */
export interface DenseMatmulKernel extends KernelIdentity<'DenseMatmul'> {
  prepare(weights: DenseWeights, shape: DenseShape, threads?: ThreadOptions): PreparedDense;
  run(prepared: PreparedDense, x: Float32Array, batch: number, options?: DenseRunOptions): DenseResult;
}

/** Training forward of an FFF layer on weights in the reference layout, which change every step. */
export interface ConditionalForwardTrainKernel extends KernelIdentity<'ConditionalForwardTrain'> {
  prepare(shape: ConditionalShape): PreparedConditional;
  run(prepared: PreparedConditional, inputs: ForwardTrainInputs): ForwardTrainResult;
}

/** Gradients of an FFF layer, touching only the visited neurons. */
export interface ConditionalBackwardKernel extends KernelIdentity<'ConditionalBackward'> {
  prepare(shape: ConditionalShape): PreparedConditional;
  run(prepared: PreparedConditional, inputs: BackwardInputs): BackwardResult;
}

export interface KernelsByName {
  ConditionalMatmul: ConditionalMatmulKernel;
  DenseMatmul: DenseMatmulKernel;
  ConditionalForwardTrain: ConditionalForwardTrainKernel;
  ConditionalBackward: ConditionalBackwardKernel;
}

export type KernelName = keyof KernelsByName;
/** A host (ts, wasm) kernel of any name. */
export type HostKernel = KernelsByName[KernelName];

/**
 * A kernel on the GPU: the contract of its host counterpart, except that `run` answers
 * with a Promise, since results are read back from the device. Arguments are still
 * checked before it returns: wrong shapes, foreign or disposed prepared weights and
 * invalid paths throw synchronously, as on the host.
 */
export type WebGpuKernelOf<K extends HostKernel> = Omit<K, 'backend' | 'run'> & {
  readonly backend: 'webgpu';
  run(...args: Parameters<K['run']>): Promise<ReturnType<K['run']>>;
};

/** The kernel named `K` on backend `B`: one contract, synchronous on the host, awaited on the GPU. */
export type KernelOf<K extends KernelName, B extends KernelBackend = KernelBackend> = K extends KernelName
  ? B extends 'webgpu'
    ? WebGpuKernelOf<KernelsByName[K]>
    : KernelsByName[K]
  : never;

/** Every kernel of every backend. */
export type Kernel = KernelOf<KernelName>;
