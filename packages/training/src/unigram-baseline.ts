import type { PackedSequences } from './packing.js';
import { specialIdTable, type MlmTokenizer } from './tokenizer.js';

export interface UnigramBaseline {
  /**
   * Cross-entropy in nats of predicting every masked token from unigram frequencies alone:
   * masked positions are drawn uniformly among the maskable tokens, so this is the entropy of
   * their unigram distribution. An MLM that learns nothing from context ends near it.
   */
  crossEntropy: number;
  /** Maskable tokens counted. */
  tokens: number;
  /** Distinct maskable token ids seen. */
  distinctTokens: number;
}

/** The unigram-entropy baseline of the MLM loss over the maskable tokens of `sequences`. */
export function unigramBaseline(sequences: PackedSequences, tokenizer: MlmTokenizer): UnigramBaseline {
  const special = specialIdTable(tokenizer);
  const counts = new Float64Array(tokenizer.vocabSize);
  let tokens = 0;
  for (let row = 0; row < sequences.count; row++) {
    const start = row * sequences.sequenceLength;
    for (let s = 0; s < sequences.lengths[row]; s++) {
      const id = sequences.ids[start + s];
      if (special[id] === 0) {
        counts[id]++;
        tokens++;
      }
    }
  }
  let crossEntropy = 0;
  let distinctTokens = 0;
  for (const count of counts) {
    if (count === 0) continue;
    distinctTokens++;
    const p = count / tokens;
    crossEntropy -= p * Math.log(p);
  }
  return { crossEntropy, tokens, distinctTokens };
}
