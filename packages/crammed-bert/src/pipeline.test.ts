import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, setBackend } from '@ufbert/tensor';
import type { Tensor2D } from '@ufbert/tensor';
import { saveModel } from './checkpoint.js';
import { createConfig } from './config.js';
import { PipelineError } from './errors.js';
import { CrammedBertModel } from './model.js';
import { CrammedBertPipeline } from './pipeline.js';
import type { InferenceRuntime } from './inference-runtime.js';
import { CORPUS } from './test-utils/corpus.js';
import { trainWordPiece } from './tokenizer/wordpiece-trainer.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-pipeline-'));
const tokenizer = trainWordPiece(CORPUS, { vocabSize: 300, minFrequency: 1 });
const config = (numLabels: number | null) =>
  createConfig({
    num_transformer_layers: 2,
    hidden_size: 32,
    intermed_type: 'fff',
    intermed_size: 2,
    intermed_depth: 3,
    num_labels: numLabels,
    hidden_dropout_prob: 0,
    embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32, dropout_prob: 0 },
    attention: { num_attention_heads: 4, dropout_prob: 0 },
    // zero_index: the reference's avg pooling averages padding positions too, so only the first token makes batches padding-invariant.
    classification_head: { head_dim: 16, pooler: 'zero_index' },
  });

/** Overfits the MLM on one sentence with `paris` masked, so fill-mask has a right answer. */
function overfit(model: CrammedBertModel): void {
  const { ids } = tokenizer.encode('the capital of france is paris.');
  const target = ids.indexOf(tokenizer.tokenToId('paris')!);
  const masked = ids.map((id, i) => (i === target ? tokenizer.specialTokens.mask!.id : id));
  const inputIds = tf.tensor2d([masked], undefined, 'int32');
  const labels = tf.oneHot(tf.tensor1d([ids[target]], 'int32'), tokenizer.vocabSize);
  const optimizer = tf.train.adam(0.01);
  model.train();
  for (let step = 0; step < 60; step++) {
    const loss = optimizer.minimize(() => {
      const hidden = model.hiddenStates(inputIds);
      const row = tf.slice(tf.reshape(hidden, [-1, 32]), [target, 0], [1, 32]) as Tensor2D;
      return tf.losses.softmaxCrossEntropy(labels, model.decode(row)) as tf.Scalar;
    }, true, model.trainableVariables());
    loss?.dispose();
  }
  model.eval();
  optimizer.dispose();
  tf.dispose([inputIds, labels]);
}

let mlmDir: string;
let clsDir: string;
let mlm: CrammedBertPipeline;
let cls: CrammedBertPipeline;

beforeAll(async () => {
  await setBackend('cpu');
  const model = CrammedBertModel.create(config(null), { seed: 11 });
  overfit(model);
  mlmDir = join(work, 'mlm');
  await saveModel(model, mlmDir);
  await tokenizer.save(mlmDir);
  model.dispose();
  const classifier = CrammedBertModel.create(config(3), { seed: 12 });
  clsDir = join(work, 'cls');
  await saveModel(classifier, clsDir);
  await tokenizer.save(clsDir);
  classifier.dispose();
  mlm = await CrammedBertPipeline.load(mlmDir);
  cls = await CrammedBertPipeline.load(clsDir, { labels: ['negative', 'neutral', 'positive'] });
});

afterAll(() => {
  mlm?.dispose();
  cls?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('fill-mask', () => {
  it('predicts the trained word first, with top-k probabilities in order', async () => {
    const [candidates] = await mlm.fillMask('The capital of France is [MASK].', { topK: 4 });
    expect(candidates).toHaveLength(4);
    expect(candidates[0].token).toBe('paris');
    expect(candidates[0].sequence).toBe('the capital of france is paris.');
    for (let i = 1; i < 4; i++) expect(candidates[i].score).toBeLessThanOrEqual(candidates[i - 1].score);
    expect(candidates.reduce((s, c) => s + c.score, 0)).toBeLessThanOrEqual(1 + 1e-6);
    for (const c of candidates) expect(tokenizer.idToToken(c.id)).toBe(c.token);
  });

  it('gives the same answers batched (with padding) as one by one, and handles several masks', async () => {
    const texts = ['the capital of france is [MASK].', 'rome is a [MASK] city in [MASK].', 'a <mask>'];
    const batched = await mlm.fillMaskBatch(texts, { topK: 3 });
    expect(batched.map((masks) => masks.length)).toEqual([1, 2, 1]);
    for (let i = 0; i < texts.length; i++) {
      const single = await mlm.fillMask(texts[i], { topK: 3 });
      expect(single.map((m) => m.map((c) => c.id))).toEqual(batched[i].map((m) => m.map((c) => c.id)));
      single.flat().forEach((c, j) => expect(c.score).toBeCloseTo(batched[i].flat()[j].score, 5));
    }
  });

  it('refuses non-finite logits instead of ranking NaN scores', async () => {
    const vocab = mlm.runtime.config.embedding.vocab_size;
    const broken: InferenceRuntime = {
      config: mlm.runtime.config,
      description: 'a runtime whose weights hold NaN',
      hiddenStates: async () => new Float32Array(0),
      maskedLogits: async (_batch, positions) => new Float32Array(positions.length * vocab).fill(Number.NaN),
      classificationLogits: async () => new Float32Array(0),
      dispose: () => undefined,
    };
    await expect(new CrammedBertPipeline(broken, tokenizer).fillMask('a [MASK]')).rejects.toThrow(/non-finite logit \(NaN\)/);
  });

  it('says when there is nothing to fill or the model has no decoder', async () => {
    await expect(mlm.fillMask('no mask here')).rejects.toThrow(PipelineError);
    await expect(mlm.fillMask('a [MASK]', { topK: 0 })).rejects.toThrow(/topK must be a positive integer/);
    await expect(cls.fillMask('a [MASK]')).rejects.toThrow(/needs a masked-language model/);
  });
});

describe('classify and embed', () => {
  it('returns label scores that sum to one, best first, for texts and pairs', async () => {
    const scores = await cls.classify('paris is a beautiful city');
    expect(scores.map((s) => s.label).sort()).toEqual(['negative', 'neutral', 'positive']);
    expect(scores.reduce((s, l) => s + l.score, 0)).toBeCloseTo(1, 5);
    expect(scores[0].score).toBeGreaterThanOrEqual(scores[1].score);
    const [single, pair] = await cls.classifyBatch(['paris is a beautiful city', ['paris is a city', 'berlin is a city']]);
    expect(single.map((s) => s.label)).toEqual(scores.map((s) => s.label));
    single.forEach((s, i) => expect(s.score).toBeCloseTo(scores[i].score, 5));
    expect(pair).toHaveLength(3);
    await expect(mlm.classify('text')).rejects.toThrow(/needs a classification head/);
  });

  it('pools sentence vectors (mean over tokens or the first token), the same batched or alone', async () => {
    const [a, b] = await mlm.embedBatch(['the capital of france', 'a much longer sentence about the capital of germany']);
    expect(a).toHaveLength(32);
    const alone = await mlm.embed('the capital of france');
    alone.forEach((v, i) => expect(v).toBeCloseTo(a[i], 5));
    expect(b).not.toEqual(a);
    const first = await mlm.embed('the capital of france', { pooling: 'first' });
    expect(first).not.toEqual(alone);
  });

  it('leaves no tensors behind', async () => {
    await mlm.fillMask('a [MASK]');
    const before = tf.memory().numTensors;
    await mlm.fillMaskBatch(['a [MASK]', 'the [MASK] of france']);
    await cls.classifyBatch(['a', ['b', 'c']]);
    await mlm.embedBatch(['a', 'b c d'], { pooling: 'mean' });
    await cls.embed('a', { pooling: 'first' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
