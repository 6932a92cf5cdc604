import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, setBackend } from '@ufbert/tensor';
import { CrammedBertModel, HF_CONFIG_FILE, presetConfig, trainWordPiece } from '@ufbert/crammed-bert';
import { loadModel, saveModel } from '@ufbert/crammed-bert/node';
import { saveClassifier } from './save-classifier.js';
import { getTask } from './task-registry.js';
import { fineTune, fineTuneConfig } from './fine-tune.js';
import { GLUE_SANE, cosineWithWarmup, recipeFor } from './fine-tune-recipe.js';
import { loadEmbeddedTask } from './embedded-data.js';
import { seededShuffle } from './seeded-split.js';
import { GlueError } from './errors.js';

describe('fine-tuning recipe', () => {
  it('is GLUE_sane', () => {
    expect(GLUE_SANE).toMatchObject({
      lr: 4e-5,
      betas: [0.9, 0.98],
      eps: 1e-6,
      weightDecay: 0,
      batchSize: 16,
      epochs: 5,
      warmupFraction: 0.1,
      maxLength: 128,
      dropout: 0.1,
      pooler: 'zero_index',
      headDim: 1024,
    });
  });
  it('warms up linearly for 10% of the steps, then decays along a cosine to 0', () => {
    expect(cosineWithWarmup(0, 100, 1, 0.1)).toBeCloseTo(0.1);
    expect(cosineWithWarmup(9, 100, 1, 0.1)).toBeCloseTo(1);
    expect(cosineWithWarmup(55, 100, 1, 0.1)).toBeCloseTo(0.5);
    expect(cosineWithWarmup(100, 100, 1, 0.1)).toBeCloseTo(0);
  });
  it('rejects a bad override, naming it', () => {
    expect(() => recipeFor('SST-2', { lr: -1 })).toThrow(/lr must be a positive number/);
  });
  it('sets the head the recipe names', () => {
    const config = fineTuneConfig(presetConfig('crammedBERT-tiny'), recipeFor('SST-2'), 2);
    expect(config.classification_head).toMatchObject({ pooler: 'zero_index', head_dim: 1024, nonlin: 'Tanh', classifier_dropout: 0.1 });
    expect(config.num_labels).toBe(2);
  });
});

describe('fineTune on the embedded spam task', () => {
  it('learns it: dev accuracy far above the majority baseline (a tiny model from random init, so avg pooling and a higher lr; wasm)', async () => {
    await setBackend('wasm');
    const { train, dev } = loadEmbeddedTask('spam', { seed: 1, maxChars: 400 });
    const trainSubset = seededShuffle(train, 2).slice(0, 480);
    const devSubset = seededShuffle(dev, 3).slice(0, 240);
    const tokenizer = trainWordPiece(
      trainSubset.map((e) => e.textA),
      { vocabSize: 1500 },
    );
    const dir = mkdtempSync(join(tmpdir(), 'glue-ft-'));
    const model = CrammedBertModel.create(
      presetConfig('UltraFastBERT-tiny-1x3', {
        num_transformer_layers: 1,
        hidden_size: 32,
        embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 64 },
      }),
      { seed: 1 },
    );
    await saveModel(model, dir);
    model.dispose();
    const before = tf.memory().numTensors;
    const result = await fineTune({
      modelDir: dir,
      tokenizer,
      task: 'spam',
      train: trainSubset,
      eval: { dev: devSubset },
      recipe: { lr: 3e-3, epochs: 4, maxLength: 64, headDim: 64, pooler: 'avg', dropout: 0 },
    });
    const accuracy = result.evaluation.metrics.accuracy;
    const baseline = result.baseline.metrics.accuracy;
    console.info(`spam dev accuracy ${accuracy.toFixed(3)} vs majority baseline ${baseline.toFixed(3)}`);
    expect(accuracy).toBeGreaterThan(baseline + 0.15);
    // Saved as a folder the pipelines load as it is, naming the task's classes.
    const saved = join(dir, 'classifier');
    await saveClassifier(result.model, tokenizer, getTask('spam'), saved);
    result.model.dispose();
    expect(JSON.parse(readFileSync(join(saved, HF_CONFIG_FILE), 'utf8')).id2label).toEqual({ 0: 'ham', 1: 'spam' });
    const back = await loadModel(saved);
    expect(back.config.num_labels).toBe(2);
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});

describe('fineTune on a model with NaN weights', () => {
  it('stops at the first non-finite loss with a typed error naming the step, freeing the model', async () => {
    await setBackend('cpu');
    const { train, dev } = loadEmbeddedTask('spam', { seed: 1, maxChars: 200 });
    const tokenizer = trainWordPiece(
      train.slice(0, 50).map((e) => e.textA),
      { vocabSize: 300 },
    );
    const dir = mkdtempSync(join(tmpdir(), 'glue-ft-nan-'));
    const model = CrammedBertModel.create(
      presetConfig('UltraFastBERT-tiny-1x2', {
        num_transformer_layers: 1,
        hidden_size: 16,
        embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32 },
      }),
      { seed: 1 },
    );
    // Corrupted before the save, so the folder's manifest matches the NaN weights it holds.
    const weight = model.parameter('encoder.layers.0.attn.dense.weight');
    tf.tidy(() => weight.assign(tf.fill(weight.shape, NaN)));
    await saveModel(model, dir);
    model.dispose();
    const before = tf.memory().numTensors;
    const run = fineTune({
      modelDir: dir,
      tokenizer,
      task: 'spam',
      train: train.slice(0, 32),
      eval: { dev: dev.slice(0, 16) },
      recipe: { epochs: 1, maxLength: 32, batchSize: 16 },
      warn: () => undefined,
    });
    await expect(run).rejects.toThrow(GlueError);
    await expect(
      fineTune({
        modelDir: dir,
        tokenizer,
        task: 'spam',
        train: train.slice(0, 32),
        eval: { dev: dev.slice(0, 16) },
        recipe: { epochs: 1, maxLength: 32, batchSize: 16 },
        warn: () => undefined,
      }),
    ).rejects.toThrow(/^spam: fine-tuning step 1 of 2 \(epoch 1\) gave a loss of NaN/);
    expect(tf.memory().numTensors).toBe(before);
    // Loads the embedded spam task (about 3 s alone) and fine-tunes twice: past vitest's 5 s default on a busy 2-core machine.
  }, 60_000);
});
