import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend } from '@ufbert/tensor';
import { CrammedBertModel, CrammedBertPipeline, createConfig, loadConfig, saveModel, trainWordPiece, type TextTokenizer } from '@ufbert/crammed-bert';
import { exportTransformersJsFolder } from './transformers-js-folder.js';
import { OnnxInferenceRuntime } from './onnx-runtime.js';

const CORPUS = [
  'the capital of france is paris.',
  'rome is the capital of italy and a very old city.',
  'berlin is a large city in germany with many parks.',
  'a river runs through the city of paris and the city of rome.',
];

let work: string;
let checkpoint: string;
let tokenizer: TextTokenizer;

beforeAll(async () => {
  await setBackend('cpu');
  work = await mkdtemp(join(tmpdir(), 'ufbert-transformers-js-'));
  tokenizer = trainWordPiece(CORPUS, { vocabSize: 150, minFrequency: 1 });
  const config = createConfig({
    num_transformer_layers: 2,
    hidden_size: 32,
    intermed_type: 'fff',
    intermed_size: 2,
    intermed_depth: 4,
    embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32 },
    attention: { num_attention_heads: 4 },
  });
  const model = CrammedBertModel.create(config, { seed: 5 });
  checkpoint = join(work, 'checkpoint');
  await saveModel(model, checkpoint);
  await tokenizer.save(checkpoint);
  model.dispose();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("transformers.js's fill-mask on our export", () => {
  it('runs the conditional UltraFastBERT unchanged and predicts what our pipeline predicts', async () => {
    const folder = join(work, 'models', 'ultrafastbert-tiny');
    await exportTransformersJsFolder(checkpoint, folder);
    // The folder holds the reference config too, so our own loader reads it back.
    expect((await loadConfig(folder)).intermed_type).toBe('fff');
    expect(JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')).model_type).toBe('bert');

    const { pipeline, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = join(work, 'models');
    const fill = await pipeline('fill-mask', 'ultrafastbert-tiny', { dtype: 'fp32' });
    const ours = new CrammedBertPipeline(await OnnxInferenceRuntime.fromCheckpoint(checkpoint, { threads: 1 }), tokenizer);
    try {
      for (const text of ['the capital of [MASK] is paris.', 'berlin is a [MASK] city.']) {
        const theirs = (await fill(text, { top_k: 5 })) as Array<{ score: number; token: number; token_str: string; sequence: string }>;
        const [mine] = await ours.fillMask(text, { topK: 5 });
        expect(theirs.map((c) => c.token)).toEqual(mine.map((c) => c.id));
        expect(theirs.map((c) => c.sequence)).toEqual(mine.map((c) => c.sequence));
        theirs.forEach((c, i) => expect(c.score).toBeCloseTo(mine[i].score, 5));
      }
    } finally {
      await ours.dispose();
      await fill.dispose();
    }
  });
});
