import { tf } from '@ufbert/tensor';
import type { Tensor2D } from '@ufbert/tensor';

/**
 * A bias-free Linear weight: the reference layout [out, in], or the same values prepared
 * as [in, out] (`transposed`), which tfjs multiplies much faster (about 10x on wasm, whose
 * matmul has no fast path for a transposed right operand).
 */
export interface DenseWeight {
  weight: Tensor2D;
  transposed: boolean;
}

/** x [T, in] -> [T, out]. */
export function dense(x: Tensor2D, w: DenseWeight): Tensor2D {
  return w.transposed ? tf.matMul(x, w.weight) : tf.matMul(x, w.weight, false, true);
}

/** Whether a tf.grads / variableGrads / optimizer.minimize tape is recording. */
export function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

/**
 * [in, out] copies of [out, in] variables, made on first use and remade when a variable is
 * assigned (its data identity changes), so inference prepares each weight once.
 */
export class TransposedWeights {
  private readonly cache = new Map<tf.Variable, { dataId: object; transposed: Tensor2D }>();

  get(variable: tf.Variable): Tensor2D {
    const hit = this.cache.get(variable);
    if (hit && hit.dataId === variable.dataId) return hit.transposed;
    hit?.transposed.dispose();
    const transposed = tf.keep(tf.transpose(variable)) as Tensor2D;
    this.cache.set(variable, { dataId: variable.dataId, transposed });
    return transposed;
  }

  dispose(): void {
    for (const { transposed } of this.cache.values()) transposed.dispose();
    this.cache.clear();
  }
}
