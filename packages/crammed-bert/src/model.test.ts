import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, setBackend } from '@ufbert/tensor';
import type { Tensor, Tensor2D } from '@ufbert/tensor';
import { CrammedBertModel } from './model.js';
import { parameterSpecs } from './parameters.js';
import { tinyBatch, tinyConfig } from './test-utils/tiny.js';

beforeAll(async () => {
  await setBackend('cpu');
});

async function values(t: Tensor): Promise<Float32Array> {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

describe.each(['ff', 'fff'] as const)('CrammedBertModel (%s)', (kind) => {
  const mlm = CrammedBertModel.create(tinyConfig(kind), { seed: 1 });
  const cls = CrammedBertModel.create(tinyConfig(kind, 3), { seed: 2 });
  const { inputIds, attentionMask } = tinyBatch();
  afterAll(() => {
    mlm.dispose();
    cls.dispose();
    tf.dispose([inputIds, attentionMask]);
  });

  it('initialises as the reference does', async () => {
    const get = async (name: string) => values(mlm.parameter(name).clone());
    expect(Array.from(await get('encoder.layers.0.norm1.weight')).every((v) => v === 1)).toBe(true);
    expect(Array.from(await get('encoder.layers.0.norm1.bias')).every((v) => v === 0)).toBe(true);
    expect((await get('encoder.embedding.pos_embedding.scale_factor'))[0]).toBeCloseTo(1 / 4, 7);
    expect((await get('encoder.layers.1.attn.self_attention.norm_factor'))[0]).toBeCloseTo(1 / Math.sqrt(8), 7);
    const embedding = await get('encoder.embedding.word_embedding.weight');
    expect(Array.from(embedding.subarray(0, 16)).every((v) => v === 0)).toBe(true); // padding row
    const std = Math.sqrt(embedding.subarray(16).reduce((s, v) => s + v * v, 0) / (embedding.length - 16));
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    expect(mlm.parameter('decoder.weight')).toBe(mlm.parameter('encoder.embedding.word_embedding.weight'));
  });

  it('has the reference shapes and trains every parameter except buffers', () => {
    const trainable = mlm.namedParameters();
    for (const spec of parameterSpecs(mlm.config)) {
      expect(mlm.parameter(spec.name).shape).toEqual(spec.shape);
      expect(trainable.has(spec.name)).toBe(spec.kind === 'parameter');
    }
    expect(mlm.parameterCount()).toBe([...trainable.values()].reduce((n, v) => n + v.size, 0));
  });

  it('returns hidden states [B, S, H], MLM logits [B*S, V] and classification logits [B, L]', () => {
    const hidden = mlm.hiddenStates(inputIds, attentionMask);
    const logits = mlm.mlmLogits(inputIds, attentionMask);
    const labels = cls.classificationLogits(inputIds, attentionMask);
    expect([hidden.shape, logits.shape, labels.shape]).toEqual([
      [2, 6, 16],
      [12, 50],
      [2, 3],
    ]);
    tf.dispose([hidden, logits, labels]);
  });

  it('ignores padding: a padded sequence gives the same states as the sequence alone', async () => {
    const batched = await values(mlm.hiddenStates(inputIds, attentionMask));
    const alone = tf.tensor2d([[2, 17, 19]], undefined, 'int32');
    const single = await values(mlm.hiddenStates(alone));
    alone.dispose();
    const padded = batched.subarray(6 * 16, 6 * 16 + 3 * 16);
    for (let i = 0; i < single.length; i++) expect(padded[i]).toBeCloseTo(single[i], 5);
  });

  it('applies dropout in training mode only', async () => {
    const evalA = await values(mlm.eval().mlmLogits(inputIds, attentionMask));
    const evalB = await values(mlm.mlmLogits(inputIds, attentionMask));
    expect(evalB).toEqual(evalA);
    const trainA = await values(mlm.train().mlmLogits(inputIds, attentionMask));
    const trainB = await values(mlm.mlmLogits(inputIds, attentionMask));
    mlm.eval();
    expect(trainA).not.toEqual(evalA);
    expect(trainB).not.toEqual(trainA);
    const clsEval = await values(cls.eval().classificationLogits(inputIds, attentionMask));
    const clsTrain = await values(cls.train().classificationLogits(inputIds, attentionMask));
    cls.eval();
    expect(clsTrain).not.toEqual(clsEval);
  });

  it('replays dropout masks from a saved dropout state', async () => {
    const state = mlm.dropoutState;
    mlm.train();
    const first = await values(mlm.mlmLogits(inputIds, attentionMask));
    mlm.dropoutState = state;
    const replay = await values(mlm.mlmLogits(inputIds, attentionMask));
    mlm.eval();
    expect(replay).toEqual(first);
  });

  it('gives a gradient to every trainable variable', () => {
    const labels = tf.tensor1d([7, 9, 11, 13, 3, 2, 17, 19, 1, 1, 1, 1], 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const logits = mlm.mlmLogits(inputIds, attentionMask);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 50), logits) as tf.Scalar;
    }, mlm.trainableVariables());
    for (const [name, variable] of mlm.namedParameters()) {
      const grad = grads[variable.name];
      expect(grad, name).toBeDefined();
      expect(grad.shape).toEqual(variable.shape);
      expect(tf.any(tf.notEqual(grad, 0)).dataSync()[0], `${name} has a non-zero gradient`).toBe(1);
    }
    tf.dispose([value, labels, ...Object.values(grads)]);
  });

  it('computes the same outputs with and without a gradient tape (variables vs prepared inference layouts)', async () => {
    const plain = await values(mlm.mlmLogits(inputIds, attentionMask));
    let taped: Float32Array | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = mlm.mlmLogits(inputIds, attentionMask);
      taped = logits.dataSync() as Float32Array;
      return tf.sum(logits) as tf.Scalar;
    }, mlm.trainableVariables());
    tf.dispose([value, ...Object.values(grads)]);
    expect(taped!.length).toBe(plain.length);
    taped!.forEach((v, i) => expect(v).toBeCloseTo(plain[i], 5));
  });

  it('sees assigned weights in eval mode (prepared layouts follow the variables)', async () => {
    const before = await values(mlm.mlmLogits(inputIds, attentionMask));
    const qkv = mlm.parameter('encoder.layers.1.attn.self_attention.query_key_value.weight');
    const original = qkv.clone();
    tf.tidy(() => qkv.assign(tf.mul(qkv, 2)));
    const changed = await values(mlm.mlmLogits(inputIds, attentionMask));
    qkv.assign(original);
    original.dispose();
    const restored = await values(mlm.mlmLogits(inputIds, attentionMask));
    expect(changed).not.toEqual(before);
    expect(restored).toEqual(before);
  });

  it('leaves no tensors behind', async () => {
    await values(mlm.mlmLogits(inputIds, attentionMask)); // warm-up: backends may cache on first use
    const before = tf.memory().numTensors;
    for (const model of [mlm, cls]) {
      for (const mode of ['train', 'eval'] as const) {
        model[mode]();
        if (model.isClassifier) await values(model.classificationLogits(inputIds, attentionMask));
        else await values(model.mlmLogits(inputIds, attentionMask));
        await values(model.hiddenStates(inputIds));
      }
    }
    const extra = CrammedBertModel.create(tinyConfig(kind), { seed: 3 });
    extra.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds its FFF blocks from @ufbert/fff layers, which prepare their weights once and free them on dispose', () => {
    const model = CrammedBertModel.create(tinyConfig(kind), { seed: 3 });
    expect(model.fffLayers.length).toBe(kind === 'fff' ? model.config.num_transformer_layers : 0);
    model.eval();
    tf.dispose(model.hiddenStates(inputIds, attentionMask));
    const prepared = model.fffLayers.map((layer) => layer.preparedWeights!);
    expect(prepared.every((p) => p !== undefined)).toBe(true);
    tf.dispose(model.hiddenStates(inputIds, attentionMask));
    expect(model.fffLayers.map((layer) => layer.preparedWeights)).toEqual(prepared);
    expect(model.fffLayers.map((layer) => layer.linearInWeight)).toEqual(
      model.fffLayers.map((_, i) => model.parameter(`encoder.layers.${i}.ffn.linear_in.weight`)),
    );
    const layers = model.fffLayers;
    model.dispose();
    // Each layer's dispose frees its prepared weights (fff's layer tests show they cannot run afterwards).
    expect(layers.map((layer) => layer.preparedWeights)).toEqual(layers.map(() => undefined));
  });

  it('rejects inputs of the wrong type or length', () => {
    const floats = tf.zeros([1, 4]) as Tensor2D;
    const tooLong = tf.zeros([1, 25], 'int32') as Tensor2D;
    expect(() => mlm.hiddenStates(floats)).toThrow(/expected inputIds as int32 \[batch, seq\], got float32 \[1, 4\]/);
    expect(() => mlm.hiddenStates(tooLong)).toThrow(/25 tokens exceeds the model's max_seq_length 24/);
    expect(() => mlm.hiddenStates(inputIds, floats)).toThrow(/expected attentionMask of shape \[2, 6\], got \[1, 4\]/);
    expect(() => mlm.classificationLogits(inputIds)).toThrow(/no classification head/);
    expect(() => cls.mlmLogits(inputIds)).toThrow(/classification head, not the MLM decoder/);
    tf.dispose([floats, tooLong]);
  });
});

it('UltraFastBERT runs its FFF blocks on int8 weights in inference when given kernel { dtype: q8 }, close to fp32', async () => {
  const fp32 = CrammedBertModel.create(tinyConfig('fff'), { seed: 1 });
  const q8 = CrammedBertModel.create(tinyConfig('fff'), { seed: 1, kernel: { dtype: 'q8' } });
  const { inputIds, attentionMask } = tinyBatch();
  expect(q8.describeKernel()).toBe('FFF kernel ConditionalMatmul/ts/fused/q8');
  fp32.eval();
  q8.eval();
  const a = await values(fp32.hiddenStates(inputIds, attentionMask));
  const b = await values(q8.hiddenStates(inputIds, attentionMask));
  const h = q8.config.hidden_size;
  // per token: cosine similarity of the hidden states, the gate for q8
  for (let t = 0; t < a.length / h; t++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = t * h; j < (t + 1) * h; j++) {
      dot += a[j] * b[j];
      na += a[j] * a[j];
      nb += b[j] * b[j];
    }
    expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.995);
  }
  expect(Array.from(a)).not.toEqual(Array.from(b));
  q8.dispose();
  fp32.dispose();
  tf.dispose([inputIds, attentionMask]);
});
