import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { createConfig } from './config.js';
import { PipelineError } from './errors.js';
import { CrammedBertModel } from './model.js';
import { CrammedBertPipeline } from './pipeline.js';
import { CORPUS } from './test-utils/corpus.js';
import { trainWordPiece } from './tokenizer/wordpiece-trainer.js';

const tokenizer = trainWordPiece(CORPUS, { vocabSize: 300, minFrequency: 1 });
const WINDOW = 16;
let model: CrammedBertModel;

beforeAll(async () => {
  await setBackend('cpu');
  model = CrammedBertModel.create(
    createConfig({ num_transformer_layers: 1, hidden_size: 16, intermed_size: 32, embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: WINDOW }, attention: { num_attention_heads: 2 } }),
    { seed: 1 },
  );
});
afterAll(() => model.dispose());

const long = (words: number, word = 'paris') => Array.from({ length: words }, () => word).join(' ');

describe('inputs longer than the model window', () => {
  it('are rejected by default, naming the input, its length and the window', async () => {
    const pipeline = new CrammedBertPipeline(model, tokenizer);
    await expect(pipeline.embed(long(40))).rejects.toThrow(PipelineError);
    await expect(pipeline.embedBatch(['paris', long(40)])).rejects.toThrow(/^input 2 \("paris paris .*"\) is 42 tokens, more than the model's window of 16; shorten it, or pass overflow: 'truncate'/);
    await expect(pipeline.fillMask(`${long(40)} [MASK]`)).rejects.toThrow(/is 43 tokens, more than the model's window of 16/);
  });

  it('are cut to the window with overflow: truncate, but masks beyond it are an error, never a shorter answer', async () => {
    const pipeline = new CrammedBertPipeline(model, tokenizer, { overflow: 'truncate' });
    expect(await pipeline.embed(long(40))).toHaveLength(16);
    expect(await pipeline.fillMask(`[MASK] ${long(40)}`)).toHaveLength(1);
    const masks = Array.from({ length: 30 }, () => '[MASK]').join(' ');
    await expect(pipeline.fillMask(masks)).rejects.toThrow(/^16 of 30 \[MASK\] in "\[MASK\] \[MASK\].*" lie beyond the model's window of 16 tokens$/);
  });
});
