import { tf, formatShape, type SafeTensor, type Tensor } from '@ufbert/tensor';
import { CheckpointError, TrainingConfigError, TrainingContractError } from './errors.js';

export interface AdamWOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.98. */
  beta2?: number;
  /** Default 1e-12. */
  epsilon?: number;
  /** Decoupled weight decay, default 0.01. */
  weightDecay?: number;
  /** Clip gradients to this global L2 norm; default 0.5, `null` for no clipping. */
  maxGradNorm?: number | null;
  /** Which parameters decay; default `decaysWeight` (not norms, not biases). */
  decays?: (name: string) => boolean;
}

/** The default weight-decay rule: no decay for names containing `norm` or ending in `bias`. */
export function decaysWeight(name: string): boolean {
  return !(name.includes('norm') || name.endsWith('bias'));
}

export function checkAdamWOptions(options: AdamWOptions): string[] {
  const problems: string[] = [];
  const { beta1 = 0.9, beta2 = 0.98, epsilon = 1e-12, weightDecay = 0.01, maxGradNorm = 0.5 } = options;
  if (!(beta1 >= 0 && beta1 < 1)) problems.push(`adamW.beta1 must be in [0, 1), got ${beta1}`);
  if (!(beta2 >= 0 && beta2 < 1)) problems.push(`adamW.beta2 must be in [0, 1), got ${beta2}`);
  if (!(epsilon > 0)) problems.push(`adamW.epsilon must be positive, got ${epsilon}`);
  if (!(weightDecay >= 0)) problems.push(`adamW.weightDecay must be >= 0, got ${weightDecay}`);
  if (maxGradNorm !== null && !(maxGradNorm > 0)) problems.push(`maxGradNorm must be positive or null (no clipping), got ${maxGradNorm}`);
  return problems;
}

const FIRST_MOMENT = 'exp_avg.';
const SECOND_MOMENT = 'exp_avg_sq.';
/** The safetensors metadata key that holds the optimiser's step (optimizer-file.ts). */
export const STEP_KEY = 'step';

/**
 * AdamW as PyTorch's `torch.optim.AdamW` computes it (decoupled weight decay applied before
 * the Adam step, bias-corrected moments, epsilon added after the square root), preceded by
 * `clip_grad_norm_`-style clipping of the global gradient norm. Moments live on the backend;
 * their state, with the step count, saves to and loads from safetensors.
 */
export class AdamW {
  readonly parameters: ReadonlyMap<string, tf.Variable>;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly maxGradNorm: number | null;
  private readonly decays: (name: string) => boolean;
  private readonly firstMoments = new Map<string, Tensor>();
  private readonly secondMoments = new Map<string, Tensor>();
  private steps = 0;

  constructor(parameters: ReadonlyMap<string, tf.Variable>, options: AdamWOptions = {}) {
    const problems = checkAdamWOptions(options);
    if (problems.length > 0) throw new TrainingConfigError(problems);
    if (parameters.size === 0) throw new TrainingContractError('AdamW needs at least one parameter, got none');
    this.parameters = parameters;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.98;
    this.epsilon = options.epsilon ?? 1e-12;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.maxGradNorm = options.maxGradNorm === undefined ? 0.5 : options.maxGradNorm;
    this.decays = options.decays ?? decaysWeight;
    for (const [name, variable] of parameters) {
      this.firstMoments.set(name, tf.keep(tf.zerosLike(variable)));
      this.secondMoments.set(name, tf.keep(tf.zerosLike(variable)));
    }
  }

  /** Updates applied so far. */
  get step(): number {
    return this.steps;
  }

  /**
   * One update from gradients keyed by parameter name (a missing gradient counts as zero).
   * Returns the global gradient norm before clipping, a scalar the caller disposes.
   */
  applyGradients(gradients: ReadonlyMap<string, Tensor>, learningRate: number): tf.Scalar {
    if (!(learningRate >= 0)) throw new TrainingContractError(`learning rate must be >= 0, got ${learningRate}`);
    for (const [name, gradient] of gradients) {
      const variable = this.parameters.get(name);
      if (!variable) throw new TrainingContractError(`gradient for '${name}', which is not a parameter of this optimiser`);
      if (!tf.util.arraysEqual(variable.shape, gradient.shape)) {
        throw new TrainingContractError(`expected the gradient of ${name} of shape ${formatShape(variable.shape)}, got ${formatShape(gradient.shape)}`);
      }
    }
    this.steps++;
    const step = this.steps;
    const biasCorrection1 = 1 - this.beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - this.beta2 ** step);
    const norm = tf.tidy(() => {
      const squares = [...gradients.values()].map((g) => tf.sum(tf.square(g)));
      return tf.sqrt(squares.length > 0 ? tf.addN(squares) : tf.scalar(0)) as tf.Scalar;
    });
    const scale = tf.tidy(() => (this.maxGradNorm === null ? tf.scalar(1) : tf.minimum(1, tf.div(this.maxGradNorm, tf.add(norm, 1e-6)))));
    for (const [name, variable] of this.parameters) {
      const [m, v] = tf.tidy(() => {
        const gradient = gradients.get(name);
        const g = gradient ? tf.mul(gradient, scale) : tf.zerosLike(variable);
        const m = tf.add(tf.mul(this.firstMoments.get(name)!, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.secondMoments.get(name)!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const decayed = this.decays(name) && this.weightDecay > 0 ? tf.mul(variable, 1 - learningRate * this.weightDecay) : variable;
        const denominator = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), this.epsilon);
        variable.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), learningRate / biasCorrection1)));
        return [m, v];
      });
      this.firstMoments.get(name)!.dispose();
      this.secondMoments.get(name)!.dispose();
      this.firstMoments.set(name, m);
      this.secondMoments.set(name, v);
    }
    scale.dispose();
    return norm;
  }

  /** The moments (`exp_avg.<name>`, `exp_avg_sq.<name>`) as float32 host arrays, and the step. */
  async state(): Promise<{ step: number; tensors: Map<string, SafeTensor> }> {
    const tensors = new Map<string, SafeTensor>();
    for (const [name, variable] of this.parameters) {
      tensors.set(FIRST_MOMENT + name, { dtype: 'F32', shape: [...variable.shape], data: (await this.firstMoments.get(name)!.data()) as Float32Array });
      tensors.set(SECOND_MOMENT + name, { dtype: 'F32', shape: [...variable.shape], data: (await this.secondMoments.get(name)!.data()) as Float32Array });
    }
    return { step: this.steps, tensors };
  }

  /** Replaces the moments and step; every parameter's two moments must be present with its shape. */
  setState(state: { step: number; tensors: ReadonlyMap<string, SafeTensor> }, source = 'optimiser state'): void {
    const problems: string[] = [];
    if (!Number.isInteger(state.step) || state.step < 0) problems.push(`step must be a non-negative integer, got ${state.step}`);
    const expected = new Set<string>();
    for (const [name, variable] of this.parameters) {
      for (const key of [FIRST_MOMENT + name, SECOND_MOMENT + name]) {
        expected.add(key);
        const stored = state.tensors.get(key);
        if (!stored) problems.push(`missing ${key}`);
        else if (stored.dtype !== 'F32') problems.push(`expected ${key} as F32, got ${stored.dtype}`);
        else if (!tf.util.arraysEqual(stored.shape, variable.shape))
          problems.push(`expected ${key} of shape ${formatShape(variable.shape)}, got ${formatShape(stored.shape)}`);
      }
    }
    for (const key of state.tensors.keys()) if (!expected.has(key)) problems.push(`unexpected ${key}: no parameter of that name`);
    if (problems.length > 0) throw new CheckpointError(`${source} does not fit this model:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    for (const [name, variable] of this.parameters) {
      this.replace(this.firstMoments, name, state.tensors.get(FIRST_MOMENT + name)!, variable.shape);
      this.replace(this.secondMoments, name, state.tensors.get(SECOND_MOMENT + name)!, variable.shape);
    }
    this.steps = state.step;
  }

  dispose(): void {
    tf.dispose([...this.firstMoments.values(), ...this.secondMoments.values()]);
    this.firstMoments.clear();
    this.secondMoments.clear();
  }

  private replace(moments: Map<string, Tensor>, name: string, stored: SafeTensor, shape: readonly number[]): void {
    moments.get(name)?.dispose();
    moments.set(name, tf.tensor(stored.data as Float32Array, [...shape], 'float32'));
  }
}
