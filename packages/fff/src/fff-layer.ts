import { tf, toFloat32, UfbertError, ShapeError, formatShape, activeBackend } from '@ufbert/tensor';
import type { Tensor, Tensor2D, SafeTensor } from '@ufbert/tensor';
import { chooseKernel, kernelLabel, type KernelChoice, type KernelOf } from '@ufbert/cmm';
import { parameterShapes, validateConfig, type FFFConfig } from './config.js';
import { initialValues, type FFFInit } from './initializers.js';
import { fastFeedforward } from './conditional-op.js';
import { conditionalInference, type InferenceLayout, type InferenceResult } from './inference.js';
import { PreparedWeights } from './prepared-weights.js';
import { visitedLogits, type RoutedInference } from './route.js';

export type FFFParameterName = 'linear_in.weight' | 'linear_in.bias' | 'linear_out.weight';
const NAMES: readonly FFFParameterName[] = ['linear_in.weight', 'linear_in.bias', 'linear_out.weight'];

export interface FFFOptions {
  init?: FFFInit;
  seed?: number;
  /** Variable names get this prefix, e.g. `encoder.layers.3.ffn.`. */
  name?: string;
  trainable?: boolean;
  /**
   * Variables to adopt instead of making new ones (a model that loaded a checkpoint):
   * checked against the config's shapes, then owned by the layer, which disposes them.
   * `init`, `seed`, `name` and `trainable` do not apply to them.
   */
  variables?: Readonly<Record<FFFParameterName, tf.Variable>>;
  /**
   * The CMM kernel: a backend (`ts`, `wasm`, `webgpu`), a level (1, 2, `fused`) and the
   * weight dtype inference runs on (`fp32`, or `q8`: int8 rows with a scale per row, which
   * `infer` prepares once per weight version from the float variables and frees on dispose;
   * cpu and wasm only). Left out, the backend is the active tfjs backend's own (cpu: `ts`,
   * wasm: `wasm`, webgpu: `webgpu`), the level the fastest it has, the dtype `fp32`.
   * Training uses the chosen backend's training kernels (one level, float weights), whatever
   * the dtype. `threads` is the thread count of the layer's own prepared kernel (wasm):
   * the layer passes it down, so two models in one process may use different counts.
   */
  kernel?: KernelChoice;
}

/**
 * A fast feedforward layer: k trees of depth d; each token walks one root-to-leaf path
 * per tree and only those k(d+1) neurons compute, in training and in inference.
 */
export class FFF {
  readonly config: FFFConfig;
  readonly linearInWeight: tf.Variable<tf.Rank.R2>;
  readonly linearInBias: tf.Variable<tf.Rank.R1>;
  readonly linearOutWeight: tf.Variable<tf.Rank.R2>;
  /** The inference kernel's layout of this layer's weights, made once per weight version. */
  private readonly prepared = new PreparedWeights();
  /** The kernel choice this layer was given (`{}`: the defaults). */
  readonly kernelChoice: KernelChoice;

  constructor(config: FFFConfig, options: FFFOptions = {}) {
    this.config = validateConfig({ ...config });
    this.kernelChoice = { ...options.kernel };
    const shapes = parameterShapes(this.config);
    if (options.variables) {
      const problems = NAMES.filter((name) => !sameShape(options.variables![name].shape, shapes[name])).map(
        (name) => `expected ${name} of shape ${formatShape(shapes[name])}, got ${formatShape(options.variables![name].shape)}`,
      );
      if (problems.length) throw new ShapeError(`cannot adopt FFF variables: ${problems.join('; ')}`);
      this.linearInWeight = options.variables['linear_in.weight'] as tf.Variable<tf.Rank.R2>;
      this.linearInBias = options.variables['linear_in.bias'] as tf.Variable<tf.Rank.R1>;
      this.linearOutWeight = options.variables['linear_out.weight'] as tf.Variable<tf.Rank.R2>;
      return;
    }
    const values = initialValues(this.config, options.init ?? { kind: 'reference' }, options.seed ?? 0);
    const prefix = options.name ?? `fff_${nextId++}.`;
    const trainable = options.trainable ?? true;
    this.linearInWeight = tf.variable(
      tf.tensor2d(values.linearInWeight, shapes['linear_in.weight'] as [number, number]),
      trainable,
      `${prefix}linear_in.weight`,
    );
    this.linearInBias = tf.variable(tf.tensor1d(values.linearInBias), trainable, `${prefix}linear_in.bias`);
    this.linearOutWeight = tf.variable(
      tf.tensor2d(values.linearOutWeight, shapes['linear_out.weight'] as [number, number]),
      trainable,
      `${prefix}linear_out.weight`,
    );
  }

  /** Differentiable conditional forward of x [..., H] -> [..., O]; use inside tf.grad / optimizer.minimize. */
  apply(x: Tensor): Tensor {
    return this.flatten(x, (x2) =>
      fastFeedforward(x2, this.linearInWeight, this.linearInBias, this.linearOutWeight, this.config.depth, this.config.trees, { kernel: this.kernelChoice }),
    );
  }

  /**
   * Inference through the layer's CMM kernel (`inferenceKernel()`); no gradient. The
   * kernel's weight layout (on webgpu, linear_out.weight as [N, O]) is prepared on the
   * first call after the weights changed, and kept by the layer until they change again or
   * it is disposed.
   */
  infer(x: Tensor, options: { returnNodes?: boolean } = {}): InferenceResult {
    const lead = x.shape.slice(0, -1);
    const x2 = this.as2d(x);
    const { depth, trees } = this.config;
    const layout = this.prepared.get(this.inferenceKernel(), this, this.kernelShape(), { threads: this.kernelChoice.threads });
    const result = conditionalInference(x2, this.linearInWeight, this.linearInBias, this.linearOutWeight, depth, trees, layout, options);
    if (x2 !== x) x2.dispose();
    if (lead.length === 1) return result;
    const y = tf.reshape(result.y, [...lead, this.config.outputWidth]);
    result.y.dispose();
    return { ...result, y };
  }

  /**
   * `infer`, with each token's route: the node visited at each level of each tree (global
   * neuron indices, [T, k, d+1] for T tokens) and that node's logit, whose sign chose the
   * next level. The caller owns the three tensors.
   */
  route(x: Tensor): RoutedInference {
    const { y, nodes } = this.infer(x, { returnNodes: true });
    const logits = tf.tidy(() => visitedLogits(this.as2d(x), this.linearInWeight, this.linearInBias, nodes!));
    return { y, nodes: nodes!, logits };
  }

  /**
   * A hint that `infer` comes next on `tokens` tokens: where the layer's kernel has an idle
   * thread (cmm's wasm kernel with its worker pool), that thread starts reading the
   * weights every such call visits into the cache while the caller computes what feeds
   * this layer. Does nothing before the first `infer` (nothing is prepared yet), after the
   * weights changed, or on kernels without threads; never changes a result.
   */
  prefetch(tokens: number): void {
    // checked here, so that a bad count fails alike on every backend and before the first infer
    if (!Number.isInteger(tokens) || tokens < 0) throw new UfbertError(`FFF.prefetch: tokens must be a non-negative integer, got ${tokens}`);
    const layout = this.prepared.peek(this.inferenceKernel(), this);
    if (layout?.kind === 'host') layout.kernel.prefetch?.(layout.prepared, tokens);
  }

  get trainableVariables(): tf.Variable[] {
    return [this.linearInWeight, this.linearInBias, this.linearOutWeight];
  }

  /** The parameters under the reference's names. */
  parameters(): Record<FFFParameterName, tf.Variable> {
    return { 'linear_in.weight': this.linearInWeight, 'linear_in.bias': this.linearInBias, 'linear_out.weight': this.linearOutWeight };
  }

  /** Assigns parameters by reference name (with an optional prefix, e.g. `encoder.layers.0.ffn.`). */
  loadParameters(tensors: Map<string, SafeTensor>, prefix = ''): void {
    const shapes = parameterShapes(this.config);
    const problems: string[] = [];
    for (const name of NAMES) {
      const t = tensors.get(prefix + name);
      if (!t) problems.push(`missing ${prefix}${name} (expected shape ${formatShape(shapes[name])})`);
      else if (t.shape.length !== shapes[name].length || t.shape.some((d, i) => d !== shapes[name][i])) {
        problems.push(`expected ${prefix}${name} of shape ${formatShape(shapes[name])}, got ${formatShape(t.shape)}`);
      }
    }
    if (problems.length) throw new ShapeError(`cannot load FFF parameters: ${problems.join('; ')}`);
    for (const name of NAMES) {
      const t = tensors.get(prefix + name)!;
      tf.tidy(() => this.parameters()[name].assign(tf.tensor(toFloat32(t), t.shape)));
    }
  }

  async toSafeTensors(prefix = ''): Promise<Map<string, SafeTensor>> {
    const out = new Map<string, SafeTensor>();
    for (const [name, v] of Object.entries(this.parameters())) {
      out.set(prefix + name, { dtype: 'F32', shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    }
    return out;
  }

  /** The inference layout of the current weights, if `infer` made it (a host kernel's prepared copy, or webgpu's neuron-major linear_out). */
  get preparedWeights(): InferenceLayout | undefined {
    return this.prepared.current;
  }

  /** Frees the variables and the prepared inference weights. */
  dispose(): void {
    this.prepared.dispose();
    for (const v of this.trainableVariables) v.dispose();
  }

  /**
   * The ConditionalMatmul kernel `infer` runs on the active tfjs backend's tensors, from the
   * layer's kernel choice (KernelChoiceError when that backend cannot read them). On
   * webgpu, tfjs's webgpu kernels record that kernel's program on tfjs's own device.
   */
  inferenceKernel(): KernelOf<'ConditionalMatmul'> {
    return chooseKernel('ConditionalMatmul', this.kernelChoice, activeBackend());
  }

  /**
   * `ConditionalMatmul/wasm/fused`: the label of `inferenceKernel()`, for logs; `..., 2 threads`
   * where the kernel choice sets the threads of a kernel that has them (wasm).
   */
  describeKernel(): string {
    const kernel = this.inferenceKernel();
    return kernelLabel(kernel, { threads: kernel.backend === 'wasm' ? this.kernelChoice.threads : undefined });
  }

  private kernelShape() {
    const { inputWidth: inputSize, outputWidth: outputSize, depth, trees } = this.config;
    return { trees, depth, inputSize, outputSize };
  }

  private as2d(x: Tensor): Tensor2D {
    const h = x.shape[x.shape.length - 1];
    if (h !== this.config.inputWidth) {
      throw new ShapeError(`expected input of shape [..., ${this.config.inputWidth}], got ${formatShape(x.shape)}`);
    }
    if (x.rank === 2) return x as Tensor2D;
    if (x.rank < 1) throw new UfbertError(`FFF input must have at least one axis, got a scalar`);
    return tf.reshape(x, [-1, h]) as Tensor2D;
  }

  private flatten(x: Tensor, f: (x2: Tensor2D) => Tensor2D): Tensor {
    const lead = x.shape.slice(0, -1);
    return tf.tidy(() => {
      const y = f(this.as2d(x));
      return lead.length === 1 ? y : tf.reshape(y, [...lead, this.config.outputWidth]);
    });
  }
}

let nextId = 0;

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
