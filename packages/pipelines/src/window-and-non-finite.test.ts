import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend, tf } from '@ufbert/tensor';
import { CrammedBertModel, createConfig } from '@ufbert/crammed-bert';
import { saveModel } from '@ufbert/crammed-bert/node';
import { pipeline } from './pipeline.js';
import { PipelineError } from './errors.js';
import { tokenizer } from './test-utils/tiny-models.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-window-'));
const WINDOW = 16;
let windowDir: string;

/** A folder whose model has a 16-token window; with `corrupt`, one weight holds NaN and +Infinity. */
async function folder(name: string, numLabels: number | null, corrupt: boolean): Promise<string> {
  const config = createConfig({
    num_transformer_layers: 1,
    hidden_size: 16,
    intermed_size: 32,
    num_labels: numLabels,
    embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: WINDOW },
    attention: { num_attention_heads: 2 },
    classification_head: { head_dim: 8 },
  });
  const dir = join(work, name);
  const model = CrammedBertModel.create(config, { seed: 1 });
  if (corrupt) {
    // Corrupted before the save, so the folder's manifest matches the bad weights it holds.
    const weight = model.parameter('encoder.layers.0.attn.dense.weight');
    const data = (await weight.data()) as Float32Array;
    data.fill(NaN, 0, 100);
    data[100] = Infinity;
    tf.tidy(() => weight.assign(tf.tensor(data, weight.shape)));
  }
  await saveModel(model, dir, { tokenizer });
  model.dispose();
  return dir;
}

beforeAll(async () => {
  await setBackend('cpu');
  windowDir = await folder('window', null, false);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const long = (words: number, word = 'paris') => Array.from({ length: words }, () => word).join(' ');

describe('inputs longer than the model window', () => {
  it('are refused with truncation: false, naming the input, its length and the window', async () => {
    const extract = await pipeline('feature-extraction', windowDir, { runtime: 'tfjs', truncation: false });
    const fill = await pipeline('fill-mask', windowDir, { runtime: 'tfjs', truncation: false });
    try {
      await expect(extract(long(40))).rejects.toThrow(PipelineError);
      await expect(extract(['paris', long(40)])).rejects.toThrow(
        /^input 2 \("paris paris .*"\) is 42 tokens, more than the model's window of 16; shorten it, or leave truncation at its default \(true\) to cut it/,
      );
      await expect(fill(`${long(40)} [MASK]`)).rejects.toThrow(/is 43 tokens, more than the model's window of 16/);
      expect((await extract(long(40), { pooling: 'mean', truncation: true })).dims).toEqual([1, 16]);
    } finally {
      await Promise.all([extract.dispose(), fill.dispose()]);
    }
  });

  it("are cut to the window by default, as transformers.js's pipelines do, but masks beyond it are an error, never a shorter answer", async () => {
    const extract = await pipeline('feature-extraction', windowDir, { runtime: 'tfjs' });
    const fill = await pipeline('fill-mask', windowDir, { runtime: 'tfjs' });
    try {
      expect((await extract(long(40), { pooling: 'mean' })).dims).toEqual([1, 16]);
      expect(await fill(`[MASK] ${long(40)}`)).toHaveLength(5);
      const masks = Array.from({ length: 30 }, () => '[MASK]').join(' ');
      await expect(fill(masks)).rejects.toThrow(/^16 of 30 \[MASK\] in "\[MASK\] \[MASK\].*" lie beyond the model's window of 16 tokens$/);
      // Per call, over the pipeline's default, either way.
      await expect(extract(long(40), { truncation: false })).rejects.toThrow(/is 42 tokens, more than the model's window of 16/);
      await expect(fill(`[MASK] ${long(40)}`, { truncation: 'no' as never })).rejects.toThrow("truncation must be true or false, got 'no'");
    } finally {
      await Promise.all([extract.dispose(), fill.dispose()]);
    }
  });
});

describe('non-finite weights', () => {
  it('stop every task with a typed error instead of NaN scores, on both runtimes', async () => {
    const mlmDir = await folder('nan-mlm', null, true);
    const clsDir = await folder('nan-cls', 2, true);
    for (const runtime of ['tfjs', 'onnxruntime'] as const) {
      const fill = await pipeline('fill-mask', mlmDir, { runtime, warn: () => undefined });
      const extract = await pipeline('feature-extraction', mlmDir, { runtime, warn: () => undefined });
      const classify = await pipeline('text-classification', clsDir, { runtime, warn: () => undefined });
      try {
        await expect(fill('the [MASK] is here')).rejects.toThrow(/non-finite logit/);
        await expect(extract('the capital', { pooling: 'mean' })).rejects.toThrow(
          /the model produced a non-finite output \(NaN\); its weights or inputs hold NaN or Inf/,
        );
        await expect(classify('a fine film')).rejects.toThrow(PipelineError);
      } finally {
        await Promise.all([fill.dispose(), extract.dispose(), classify.dispose()]);
      }
    }
  });
});
