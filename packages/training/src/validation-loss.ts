import { tf } from '@ufbert/tensor';
import { maskSequences, type MaskedBatch, type MaskingOptions } from './masking.js';
import { batchTensors, disposeBatchTensors, type MaskedLanguageModel } from './model.js';
import type { PackedSequences } from './packing.js';
import { derivedRng } from './seeds.js';
import type { MlmTokenizer } from './tokenizer.js';

export interface ValidationSetOptions {
  microBatchSize: number;
  seed: number;
  masking?: MaskingOptions;
}

/**
 * The held-out sequences, masked once from the seed, so every evaluation during a run (and
 * across resumes) scores the same predictions and the losses are comparable.
 */
export class ValidationSet {
  readonly sequences: number;
  private readonly batches: MaskedBatch[] = [];

  constructor(validation: PackedSequences, tokenizer: MlmTokenizer, options: ValidationSetOptions) {
    this.sequences = validation.count;
    const rng = derivedRng(options.seed, 'validation-masks');
    for (let start = 0; start < validation.count; start += options.microBatchSize) {
      const rows = Array.from({ length: Math.min(options.microBatchSize, validation.count - start) }, (_, i) => start + i);
      this.batches.push(maskSequences(validation, rows, tokenizer, rng, options.masking));
    }
  }

  /** Mean cross-entropy over every masked token of the set (dropout off), or null for an empty set. */
  async loss(model: MaskedLanguageModel): Promise<number | null> {
    let total = 0;
    let predicted = 0;
    for (const batch of this.batches) {
      const count = batch.maskedPositions.length;
      if (count === 0) continue;
      const tensors = batchTensors(batch);
      try {
        const loss = tf.tidy(() => model.mlmLoss(tensors, false));
        total += (await loss.data())[0] * count;
        loss.dispose();
      } finally {
        disposeBatchTensors(tensors);
      }
      predicted += count;
    }
    return predicted === 0 ? null : total / predicted;
  }
}
