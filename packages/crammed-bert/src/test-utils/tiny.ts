import { tf } from '@ufbert/tensor';
import type { Tensor2D } from '@ufbert/tensor';
import { createConfig, type CrammedBertConfig } from '../config.js';

/** A model small enough that every test runs it in milliseconds. */
export function tinyConfig(kind: 'ff' | 'fff', numLabels: number | null = null): CrammedBertConfig {
  return createConfig({
    num_transformer_layers: 2,
    hidden_size: 16,
    intermed_type: kind,
    intermed_size: kind === 'ff' ? 32 : 2,
    intermed_depth: kind === 'ff' ? 0 : 3,
    num_labels: numLabels,
    embedding: { vocab_size: 50, max_seq_length: 24 },
    attention: { num_attention_heads: 2 },
    classification_head: { head_dim: 8, pooler: 'zero_index' },
  });
}

/** Batch of 2: the second sequence ends in 3 padding positions. */
export function tinyBatch(): { inputIds: Tensor2D; attentionMask: Tensor2D } {
  return {
    inputIds: tf.tensor2d(
      [
        [2, 7, 9, 11, 13, 3],
        [2, 17, 19, 0, 0, 0],
      ],
      undefined,
      'int32',
    ),
    attentionMask: tf.tensor2d(
      [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0, 0],
      ],
      undefined,
      'int32',
    ),
  };
}
