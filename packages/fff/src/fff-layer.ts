import { tf, readSafetensors, writeSafetensors, toFloat32, UfbertError, ShapeError, formatShape } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D, SafeTensor } from '@ufbert/tensor';
import { parameterShapes, validateConfig, type FFFConfig } from './config.js';
import { initialValues, type FFFInit } from './initializers.js';
import { fastFeedforward } from './conditional-op.js';
import { conditionalInference, releasePreparedWeights, type InferenceResult } from './inference.js';

export type FFFParameterName = 'linear_in.weight' | 'linear_in.bias' | 'linear_out.weight';
const NAMES: readonly FFFParameterName[] = ['linear_in.weight', 'linear_in.bias', 'linear_out.weight'];

export interface FFFOptions {
  init?: FFFInit;
  seed?: number;
  /** Variable names get this prefix, e.g. `encoder.layers.3.ffn.`. */
  name?: string;
  trainable?: boolean;
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

  constructor(config: FFFConfig, options: FFFOptions = {}) {
    this.config = validateConfig({ ...config });
    const shapes = parameterShapes(this.config);
    const values = initialValues(this.config, options.init ?? { kind: 'reference' }, options.seed ?? 0);
    const prefix = options.name ?? `fff_${nextId++}.`;
    const trainable = options.trainable ?? true;
    this.linearInWeight = tf.variable(tf.tensor2d(values.linearInWeight, shapes['linear_in.weight'] as [number, number]), trainable, `${prefix}linear_in.weight`);
    this.linearInBias = tf.variable(tf.tensor1d(values.linearInBias), trainable, `${prefix}linear_in.bias`);
    this.linearOutWeight = tf.variable(tf.tensor2d(values.linearOutWeight, shapes['linear_out.weight'] as [number, number]), trainable, `${prefix}linear_out.weight`);
  }

  /** Differentiable conditional forward of x [..., H] -> [..., O]; use inside tf.grad / optimizer.minimize. */
  apply(x: Tensor): Tensor {
    return this.flatten(x, (x2) => fastFeedforward(x2, this.linearInWeight, this.linearInBias, this.linearOutWeight, this.config.depth, this.config.parallelSize));
  }

  /** Inference through the fastest CMM kernel of the active backend; no gradient. */
  infer(x: Tensor, options: { returnNodes?: boolean } = {}): InferenceResult {
    const lead = x.shape.slice(0, -1);
    const x2 = this.as2d(x);
    const result = conditionalInference(x2, this.linearInWeight, this.linearInBias, this.linearOutWeight, this.config.depth, this.config.parallelSize, options);
    if (x2 !== x) x2.dispose();
    if (lead.length === 1) return result;
    const y = tf.reshape(result.y, [...lead, this.config.outputWidth]);
    result.y.dispose();
    return { ...result, y };
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

  async load(path: string, prefix = ''): Promise<void> {
    const file = await readSafetensors(path, { names: (n) => n.startsWith(prefix) });
    this.loadParameters(file.tensors, prefix);
  }

  async toSafeTensors(prefix = ''): Promise<Map<string, SafeTensor>> {
    const out = new Map<string, SafeTensor>();
    for (const [name, v] of Object.entries(this.parameters())) {
      out.set(prefix + name, { dtype: 'F32', shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    }
    return out;
  }

  async save(path: string, prefix = ''): Promise<void> {
    await writeSafetensors(path, await this.toSafeTensors(prefix), { format: 'pt' });
  }

  dispose(): void {
    releasePreparedWeights(this.linearInWeight);
    for (const v of this.trainableVariables) v.dispose();
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
