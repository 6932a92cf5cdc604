import { describe, expect, it } from 'vitest';
import { createConfig } from './config.js';
import { TokenBatchError } from './errors.js';
import { checkTokenBatch } from './token-batch-check.js';

const config = createConfig({
  num_transformer_layers: 1,
  hidden_size: 8,
  intermed_size: 16,
  embedding: { vocab_size: 10, max_seq_length: 4 },
  attention: { num_attention_heads: 2 },
});

describe('checkTokenBatch', () => {
  it('accepts ids in [0, vocab) within the window, and positions inside the batch', () => {
    expect(() =>
      checkTokenBatch(
        {
          inputIds: [
            [0, 9, 3],
            [1, 2, 0],
          ],
          attentionMask: [
            [1, 1, 1],
            [1, 1, 0],
          ],
        },
        config,
        [0, 5],
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'an id equal to vocab_size',
      { inputIds: [[2, 10]], attentionMask: [[1, 1]] },
      /expected token ids in \[0, 10\) \(the model's vocab_size\), got 10 at \[0, 1\]/,
    ],
    ['a negative id', { inputIds: [[-1]], attentionMask: [[1]] }, /got -1 at \[0, 0\]/],
    ['a fractional id', { inputIds: [[1.5]], attentionMask: [[1]] }, /got 1.5/],
    ['a string id', { inputIds: [['3']], attentionMask: [[1]] }, /got 3 at/],
    ['a row longer than the window', { inputIds: [[1, 1, 1, 1, 1]], attentionMask: [[1, 1, 1, 1, 1]] }, /5 tokens exceeds the model's max_seq_length 4/],
    ['rows of different lengths', { inputIds: [[1, 2], [1]], attentionMask: [[1, 1], [1]] }, /expected every row of 2 tokens, row 1 has 1 ids/],
    ['a mask value of 2', { inputIds: [[1]], attentionMask: [[2]] }, /attention-mask values 0 or 1, got 2/],
    ['no batch', null, /expected a batch \{ inputIds, attentionMask \}/],
    ['an empty batch', { inputIds: [], attentionMask: [] }, /empty batch/],
  ])('refuses %s with a TokenBatchError', (_, batch, message) => {
    expect(() => checkTokenBatch(batch as never, config)).toThrow(TokenBatchError);
    expect(() => checkTokenBatch(batch as never, config)).toThrow(message);
  });

  it('refuses positions outside the batch', () => {
    expect(() => checkTokenBatch({ inputIds: [[1, 2]], attentionMask: [[1, 1]] }, config, [2])).toThrow(
      /expected positions in \[0, 2\) \(flat b \* 2 \+ s\), got 2/,
    );
  });
});
