import { mkdtempSync, rmSync, cpSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, setBackend, type SafeTensor } from '@ufbert/tensor';
import { readSafetensorsFile, writeSafetensorsFile } from '@ufbert/tensor/node';
import type { Tensor } from '@ufbert/tensor';
import { loadConfig, loadModel, saveModel } from './checkpoint.js';
import { CheckpointError, ConfigError } from './errors.js';
import { CrammedBertModel } from './model.js';
import { parameterSpecs } from './parameters.js';
import { fixturePath } from '../../../fixtures/index.js';
import { tinyBatch, tinyConfig } from './test-utils/tiny.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-checkpoint-'));
const batch = tinyBatch();

beforeAll(async () => {
  await setBackend('cpu');
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  tf.dispose([batch.inputIds, batch.attentionMask]);
});

async function values(t: Tensor): Promise<Float32Array> {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

async function outputs(model: CrammedBertModel): Promise<Float32Array> {
  return values(model.isClassifier ? model.classificationLogits(batch.inputIds, batch.attentionMask) : model.mlmLogits(batch.inputIds, batch.attentionMask));
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  return (error as CheckpointError).problems;
}

/** Writes a copy of `source`'s model.safetensors with entries changed, next to its config. */
async function variant(source: string, name: string, edit: (tensors: Map<string, SafeTensor>) => void): Promise<string> {
  const dir = join(work, name);
  cpSync(source, dir, { recursive: true });
  const { tensors, metadata } = await readSafetensorsFile(join(source, 'model.safetensors'));
  edit(tensors);
  rmSync(join(dir, 'model.safetensors'));
  await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors, metadata);
  return dir;
}

const f32 = (shape: number[]): SafeTensor => ({ dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

describe.each([
  ['ff', null],
  ['fff', null],
  ['ff', 1],
  ['fff', 3],
] as const)('save -> load (%s, num_labels %s)', (kind, numLabels) => {
  it('gives identical outputs and writes the reference names, buffers and tied decoder included', async () => {
    const model = CrammedBertModel.create(tinyConfig(kind, numLabels), { seed: 5 });
    const dir = join(work, `roundtrip-${kind}-${numLabels}`);
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(await outputs(loaded)).toEqual(await outputs(model));
    expect(loaded.config).toEqual(model.config);
    const { tensors, metadata } = await readSafetensorsFile(join(dir, 'model.safetensors'));
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(parameterSpecs(model.config).map((s) => s.name));
    expect(tensors.has('encoder.layers.1.attn.self_attention.norm_factor')).toBe(true);
    expect(tensors.has('decoder.weight')).toBe(numLabels === null);
    expect(JSON.parse(readFileSync(join(dir, 'model_config.json'), 'utf8'))).toEqual(model.config);
    model.dispose();
    loaded.dispose();
  });
});

describe('reference checkpoints', () => {
  it('re-saves a fixture model to a file with the same tensors', async () => {
    const source = fixturePath('crammed-fff-mlm');
    const model = await loadModel(source);
    const dir = join(work, 'resaved');
    await saveModel(model, dir);
    model.dispose();
    const original = (await readSafetensorsFile(join(source, 'model.safetensors'))).tensors;
    const resaved = (await readSafetensorsFile(join(dir, 'model.safetensors'))).tensors;
    expect(new Set(resaved.keys())).toEqual(new Set(original.keys()));
    for (const [name, tensor] of original) {
      expect(resaved.get(name)!.shape, name).toEqual(tensor.shape);
      expect(resaved.get(name)!.data, name).toEqual(tensor.data);
    }
  });

  it('loads the tied decoder whether or not decoder.weight is stored, and [] as well as [1] scalars', async () => {
    const source = fixturePath('crammed-ff-mlm');
    const dir = await variant(source, 'no-decoder', (tensors) => {
      tensors.delete('decoder.weight');
      const normFactor = tensors.get('encoder.layers.0.attn.self_attention.norm_factor')!;
      tensors.set('encoder.layers.0.attn.self_attention.norm_factor', { ...normFactor, shape: [] });
    });
    const a = await loadModel(source);
    const b = await loadModel(dir);
    expect(await outputs(b)).toEqual(await outputs(a));
    a.dispose();
    b.dispose();
  });

  it('lists every unknown, missing, misshaped and non-float entry in one CheckpointError', async () => {
    const dir = await variant(fixturePath('crammed-fff-cls'), 'broken', (tensors) => {
      tensors.delete('encoder.layers.1.ffn.linear_in.bias');
      tensors.delete('head.bias');
      tensors.set('encoder.layers.0.ffn.linear_out.weight', f32([32, 31]));
      tensors.set('pooler.dense.weight', f32([64]));
      tensors.set('encoder.layers.0.norm1.weight', { dtype: 'I64', shape: [32], data: new BigInt64Array(32) });
      tensors.set('encoder.layers.2.norm1.weight', f32([32]));
      tensors.set('cls.predictions.bias', f32([97]));
    });
    const before = tf.memory().numTensors;
    const problems = await problemsOf(loadModel(dir));
    expect(tf.memory().numTensors).toBe(before);
    expect([...problems].sort()).toEqual(
      [
        'expected encoder.layers.0.ffn.linear_out.weight of shape [32, 30], got [32, 31]',
        'expected pooler.dense.weight of shape [64, 32], got [64]',
        'expected encoder.layers.0.norm1.weight as a float tensor (F32, F16, BF16 or F64), got I64',
        "unknown parameter encoder.layers.2.norm1.weight of shape [32] (not in this config's model)",
        "unknown parameter cls.predictions.bias of shape [97] (not in this config's model)",
        'missing parameter encoder.layers.1.ffn.linear_in.bias of shape [30]',
        'missing parameter head.bias of shape [3]',
      ].sort(),
    );
  });

  it('reports a config that does not fit the checkpoint as misshaped and missing parameters', async () => {
    const dir = join(work, 'wrong-config');
    cpSync(fixturePath('crammed-fff-mlm'), dir, { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'model_config.json'), 'utf8'));
    writeFileSync(join(dir, 'model_config.json'), JSON.stringify({ ...config, intermed_depth: 4, num_transformer_layers: 3 }));
    const problems = await problemsOf(loadModel(dir));
    expect(problems).toContain('expected encoder.layers.0.ffn.linear_in.weight of shape [62, 32], got [30, 32]');
    expect(problems).toContain('missing parameter encoder.layers.2.attn.dense.weight of shape [32, 32]');
    expect(problems.length).toBe(2 * 3 + 10); // 3 FFF entries misshaped in 2 layers, layer 2 (10 entries) missing
  });

  it('starts a classifier from an MLM checkpoint with a fresh head', async () => {
    const mlm = await loadModel(fixturePath('crammed-ff-mlm'));
    const cls = await loadModel(fixturePath('crammed-ff-mlm'), { numLabels: 2, seed: 9 });
    expect(cls.config.num_labels).toBe(2);
    expect(cls.parameter('head.weight').shape).toEqual([2, 64]);
    const ids = tf.tensor2d([[5, 6, 7]], undefined, 'int32');
    expect(await values(cls.hiddenStates(ids))).toEqual(await values(mlm.hiddenStates(ids)));
    const head = await values(cls.parameter('pooler.dense.bias').clone());
    expect(Array.from(head).every((v) => v === 0)).toBe(true);
    ids.dispose();
    mlm.dispose();
    cls.dispose();
  });

  it('reads a Hugging Face config.json when model_config.json is absent, and says when neither exists', async () => {
    const dir = join(work, 'hf-layout');
    cpSync(fixturePath('crammed-ff-cls'), dir, { recursive: true });
    const arch = JSON.parse(readFileSync(join(dir, 'model_config.json'), 'utf8'));
    rmSync(join(dir, 'model_config.json'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ arch, model_type: 'crammedBERT', architectures: ['ScriptableLMForSequenceClassification'] }));
    expect(await loadConfig(dir)).toEqual(arch);
    rmSync(join(dir, 'config.json'));
    await expect(loadConfig(dir)).rejects.toThrow(ConfigError);
  });
});
