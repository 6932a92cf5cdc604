import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@ufbert/tensor';
import type { GradSaveFunc } from '@tensorflow/tfjs-core';
import type { MaskedBatch } from './masking.js';

/** One masked microbatch as int32 tensors, owned by the trainer (a model must not dispose them). */
export interface MlmBatchTensors {
  /** [B, S] ids after masking. */
  inputIds: Tensor2D;
  /** [B, S], 1 for a token, 0 for padding. */
  attentionMask: Tensor2D;
  /** [B, S] original ids at predicted positions, -100 elsewhere. */
  labels: Tensor2D;
  /** [M] flat indices `b * S + s` of the predicted positions, for models that decode only those (sparse prediction). */
  maskedPositions: Tensor1D;
  /** [M] original ids at `maskedPositions`. */
  maskedTargets: Tensor1D;
}

/**
 * What the trainer needs from a model. Any crammedBERT-like MLM can be wrapped to fit.
 */
export interface MaskedLanguageModel {
  /** JSON-serialisable model config; recorded in each checkpoint, and a resume must match it. */
  readonly config: unknown;
  /**
   * The trained variables by parameter name (`encoder.layers.0.norm1.weight`, ...). Names decide
   * weight decay: none for names containing `norm` or ending in `bias`.
   */
  namedParameters(): ReadonlyMap<string, tf.Variable>;
  /**
   * Mean cross-entropy over the predicted positions, as a scalar the caller disposes. `training`
   * turns dropout on. Called inside a gradient tape, so it must be built from tf ops.
   */
  mlmLoss(batch: MlmBatchTensors, training: boolean): tf.Scalar;
  /** Writes the weights (`model.safetensors`, `metadata` in its header) and `model_config.json` into an existing folder. */
  saveCheckpoint(dir: string, metadata?: Record<string, string>): Promise<void>;
  /** Restores, in place, the weights that `saveCheckpoint` wrote into `dir`. */
  loadCheckpoint(dir: string): Promise<void>;
  /** State of the model's own randomness (dropout), JSON-serialisable; needed for an exact resume when dropout is on. */
  getRandomState?(): unknown;
  setRandomState?(state: unknown): void;
}

/** Uploads a masked batch as int32 tensors; the caller disposes them (see disposeBatchTensors). */
export function batchTensors(batch: MaskedBatch): MlmBatchTensors {
  const shape: [number, number] = [batch.batchSize, batch.sequenceLength];
  return {
    inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
    attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
    labels: tf.tensor2d(batch.labels, shape, 'int32'),
    maskedPositions: tf.tensor1d(batch.maskedPositions, 'int32'),
    maskedTargets: tf.tensor1d(batch.maskedTargets, 'int32'),
  };
}

export function disposeBatchTensors(batch: MlmBatchTensors): void {
  tf.dispose([batch.inputIds, batch.attentionMask, batch.labels, batch.maskedPositions, batch.maskedTargets]);
}

/**
 * Mean cross-entropy of `logits` [M, V] against `targets` [M]. The gradient is written out
 * (`(softmax - onehot) / M`) because autograd would route it through the gradient of gather,
 * which tfjs's cpu backend computes with one pass over the input per vocabulary entry.
 */
export function sparseCrossEntropy(logits: Tensor2D, targets: Tensor1D): tf.Scalar {
  const [rows, vocab] = logits.shape;
  const crossEntropy = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const x = args[0] as Tensor2D;
    (args[1] as GradSaveFunc)([x]);
    const picked = tf.gatherND(x, tf.stack([tf.range(0, rows, 1, 'int32'), targets], 1));
    return {
      value: tf.mean(tf.sub(tf.logSumExp(x, 1), picked)) as tf.Scalar,
      gradFunc: (dy: Tensor, [saved]: Tensor[]) => tf.mul(tf.sub(tf.softmax(saved), tf.oneHot(targets, vocab)), tf.div(dy, rows)),
    };
  });
  return tf.tidy(() => crossEntropy(logits) as tf.Scalar);
}
