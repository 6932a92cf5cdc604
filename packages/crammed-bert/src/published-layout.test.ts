import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativeError, tf, toFloat32 } from '@ufbert/tensor';
import { openSafetensorsFile, readSafetensorsFile } from '@ufbert/tensor/node';
import type { Tensor2D } from '@ufbert/tensor';
import { loadModel, loadModelConfig } from './node/load-model.js';
import { parseConfig } from './config.js';
import { ConfigError } from './errors.js';
import { DECODER_WEIGHT } from './parameters.js';
import { FIXTURES, PUBLISHED_LAYOUT } from '../../../fixtures/index.js';

// The fixtures' tolerance (fixtures/README.md).
const TOLERANCE = 1e-4;
const REFERENCE = join(FIXTURES, 'crammed-fff-mlm');
const publishedConfig = () =>
  JSON.parse(readFileSync(join(PUBLISHED_LAYOUT, 'config.json'), 'utf8')) as Record<string, unknown> & { arch: Record<string, unknown> };

describe('the published layout (config.json with arch, model.safetensors without decoder.weight)', () => {
  it('holds no decoder.weight, and its config.json maps to the reference model_config.json', async () => {
    const opened = await openSafetensorsFile(join(PUBLISHED_LAYOUT, 'model.safetensors'));
    expect(opened.entries.map((e) => e.name)).not.toContain(DECODER_WEIGHT);
    opened.close();
    expect((await loadModelConfig(PUBLISHED_LAYOUT)).config).toEqual((await loadModelConfig(REFERENCE)).config);
  });

  it('gives the reference fixture model its hidden states and logits (decoder tied to the word embedding)', async () => {
    const io = (await readSafetensorsFile(join(REFERENCE, 'io.safetensors'))).tensors;
    const ids = io.get('input_ids')!;
    const shape = ids.shape as [number, number];
    const model = (await loadModel(PUBLISHED_LAYOUT)).eval();
    const inputIds = tf.tensor2d(Int32Array.from(toFloat32(ids)), shape, 'int32');
    const attentionMask = tf.tensor2d(Int32Array.from(toFloat32(io.get('attention_mask')!)), shape, 'int32');
    try {
      const hidden = model.hiddenStates(inputIds, attentionMask);
      const logits = tf.tidy(() => model.decode(tf.reshape(hidden, [-1, model.config.hidden_size]) as Tensor2D));
      expect(relativeError(await hidden.data(), toFloat32(io.get('hidden_states')!))).toBeLessThan(TOLERANCE);
      expect(relativeError(await logits.data(), toFloat32(io.get('logits')!))).toBeLessThan(TOLERANCE);
      tf.dispose([hidden, logits]);
    } finally {
      tf.dispose([inputIds, attentionMask]);
      model.dispose();
    }
  });

  it('refuses a config.json whose wrapper or arch it does not support, naming the field', () => {
    const problems = (json: unknown): readonly string[] => {
      try {
        parseConfig(json);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
      throw new Error('expected a ConfigError');
    };
    const good = publishedConfig();
    expect(problems({ ...good, model_type: 'roberta' })).toEqual([
      'model_type must be one of "crammedBERT", "bert" (the reference\'s crammedBertConfig, ufbert export\'s), got "roberta"',
    ]);
    expect(problems({ ...good, arch: 'crammed-bert-fff' })[0]).toMatch(/^arch must be an object/);
    expect(problems({ ...good, architectures: ['ScriptableLMForSCRIPTTraining'] })).toEqual([
      'architectures must name one of "ScriptableLMForPreTraining", "ScriptableLMForSequenceClassification", got ["ScriptableLMForSCRIPTTraining"]',
    ]);
    expect(problems({ ...good, architectures: ['BertForMaskedLM'] })[0]).toMatch(/^architectures must name one of "ScriptableLMForPreTraining"/);
    expect(problems({ ...good, architectures: ['ScriptableLMForSequenceClassification'] })).toEqual([
      'architectures names ScriptableLMForSequenceClassification, but arch.num_labels null makes the model a masked LM',
    ]);
    const arch = { ...good.arch, norm_scheme: 'post', intermed_type: 'glu', attention: { ...(good.arch.attention as object), rotary_embedding: true } };
    expect(problems({ ...good, arch })).toEqual([
      'arch.intermed_type must be one of "ff", "fff", got "glu"',
      'arch.norm_scheme must be "pre" (the only supported value), got "post"',
      'arch.attention.rotary_embedding must be false (the only supported value), got true',
    ]);
  });

  it("reads ufbert export's BERT-shaped config.json (model_type bert, BertFor* classes) too", () => {
    const good = publishedConfig();
    const exported = { model_type: 'bert', architectures: ['BertForMaskedLM'], vocab_size: 97, hidden_size: 32, arch: good.arch };
    expect(parseConfig(exported)).toEqual(parseConfig(good));
  });

  it('ignores the keys save_pretrained adds beside arch', () => {
    const { torch_dtype, transformers_version, ...bare } = publishedConfig();
    expect([torch_dtype, transformers_version]).toEqual(['float32', '4.35.2']);
    expect(parseConfig(publishedConfig())).toEqual(parseConfig(bare));
  });
});
