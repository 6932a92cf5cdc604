import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend, tf } from '@ufbert/tensor';
import { loadModel } from './load-model.js';
import { saveModel } from './save-model.js';
import { MODEL_FILE } from '../model-folder/file-names.js';
import { createConfig } from '../config.js';
import { CrammedBertModel } from '../model.js';
import { CORPUS } from '../test-utils/corpus.js';
import { trainWordPiece } from '../tokenizer/wordpiece-trainer.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-nonfinite-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await setBackend('cpu');
});

const WEIGHT = 'encoder.layers.0.attn.dense.weight';

/** A saved MLM and classifier whose WEIGHT holds `bad` values (NaN, or +Infinity in the first). */
async function corruptFolder(numLabels: number | null): Promise<string> {
  const tokenizer = trainWordPiece(CORPUS, { vocabSize: 200, minFrequency: 1 });
  const config = createConfig({
    num_transformer_layers: 1,
    hidden_size: 16,
    intermed_size: 32,
    num_labels: numLabels,
    embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32 },
    attention: { num_attention_heads: 2 },
    classification_head: { head_dim: 8 },
  });
  const dir = join(work, String(numLabels));
  const model = CrammedBertModel.create(config, { seed: 1 });
  // Corrupted before the save, so the folder's manifest matches the bad weights it holds.
  const weight = model.parameter(WEIGHT);
  const data = (await weight.data()) as Float32Array;
  data.fill(NaN, 0, 100);
  data[100] = Infinity;
  tf.tidy(() => weight.assign(tf.tensor(data, weight.shape)));
  await saveModel(model, dir, { tokenizer });
  model.dispose();
  return dir;
}

describe('non-finite weights', () => {
  it('loading warns, naming the tensors and counts', async () => {
    const dir = await corruptFolder(null);
    const warnings: string[] = [];
    (await loadModel(dir, { warn: (m) => warnings.push(m) })).dispose();
    expect(warnings).toEqual([`${join(dir, MODEL_FILE)}: non-finite weights (NaN or infinite), the model's outputs will be too: ${WEIGHT} (101 of 256)`]);
  });
});
