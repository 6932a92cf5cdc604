import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createConfig, defaultConfig, fffNeurons, parseConfig } from './config.js';
import { presetConfig } from './presets.js';
import { problemsOf } from './test-utils/config-problems.js';
import { parameterSpecs } from './parameters.js';
import { fixturePath } from '../../../fixtures/index.js';

describe('parseConfig', () => {
  it('reads every fixture model_config.json unchanged', () => {
    for (const name of ['crammed-fff-mlm', 'crammed-fff-cls', 'crammed-ff-mlm', 'crammed-ff-cls']) {
      const json = JSON.parse(readFileSync(fixturePath(name, 'model_config.json'), 'utf8'));
      expect(parseConfig(json)).toEqual(json);
    }
  });

  it('unwraps a Hugging Face config.json ({ arch: ... })', () => {
    const arch = defaultConfig();
    expect(parseConfig({ arch, model_type: 'crammedBERT' })).toEqual(arch);
  });

  it('fills absent optional fields with the crammed-bert.yaml defaults, embedding_dim from hidden_size', () => {
    const config = parseConfig({
      num_transformer_layers: 2,
      hidden_size: 32,
      intermed_size: 64,
      embedding: { vocab_size: 100, max_seq_length: 16 },
      attention: { num_attention_heads: 4 },
    });
    expect(config.embedding.embedding_dim).toBe(32);
    expect(config.intermed_type).toBe('ff');
    expect(config.norm_eps).toBe(1e-12);
    expect(config.num_labels).toBeNull();
    expect(config.classification_head.pooler).toBe('avg');
  });

  it('keeps keys it does not know', () => {
    expect((parseConfig({ ...defaultConfig(), extra_setting: 7 }) as unknown as Record<string, unknown>).extra_setting).toBe(7);
  });

  it('lists every problem of a malformed config in one ConfigError', () => {
    const problems = problemsOf(() =>
      parseConfig({
        ...defaultConfig(),
        hidden_size: 'wide',
        norm: 'RMSNorm',
        num_labels: 0,
        use_bias: true,
        embedding: { ...defaultConfig().embedding, vocab_size: null },
        attention: { ...defaultConfig().attention, dropout_prob: 1.5, causal_attention: true },
        classification_head: { ...defaultConfig().classification_head, pooler: 'median' },
      }),
    );
    expect(problems).toHaveLength(8);
    expect(problems.join('\n')).toMatch(/hidden_size must be an integer in \[1, 16384\], got "wide"/);
    expect(problems.join('\n')).toMatch(/norm must be "LayerNorm" \(the only supported value\), got "RMSNorm"/);
    expect(problems.join('\n')).toMatch(/num_labels must be null \(masked LM\) or an integer in \[1, 65536\], got 0/);
    expect(problems.join('\n')).toMatch(/use_bias must be false/);
    expect(problems.join('\n')).toMatch(/embedding\.vocab_size is missing/);
    expect(problems.join('\n')).toMatch(/attention\.dropout_prob must be a probability in \[0, 1\), got 1\.5/);
    expect(problems.join('\n')).toMatch(/attention\.causal_attention must be false/);
    expect(problems.join('\n')).toMatch(/classification_head\.pooler must be one of "zero_index", "avg", "max", "lse", got "median"/);
  });

  it('checks fields against each other', () => {
    const problems = problemsOf(() => createConfig({ hidden_size: 100, embedding: { embedding_dim: 64, pad_token_id: 40000 } }));
    expect(problems).toEqual([
      'hidden_size 100 must be divisible by attention.num_attention_heads 12',
      'embedding.embedding_dim 64 must equal hidden_size 100 (crammedBERT ties them)',
      'embedding.pad_token_id 40000 must be below embedding.vocab_size 32768',
    ]);
  });

  it('requires intermed_depth for fff and rejects non-objects', () => {
    const { intermed_depth: _, ...rest } = { ...defaultConfig(), intermed_type: 'fff' };
    expect(problemsOf(() => parseConfig(rest))).toEqual(['intermed_depth is missing (expected an integer in [0, 24] for intermed_type fff)']);
    expect(problemsOf(() => parseConfig([1, 2]))).toHaveLength(1);
    expect(problemsOf(() => parseConfig({ ...defaultConfig(), embedding: 3 }))).toEqual(['embedding must be an object, got 3']);
  });
});

describe('presets', () => {
  it('crammedBERT-3072 is the paper baseline', () => {
    const c = presetConfig('crammedBERT-3072');
    expect([c.num_transformer_layers, c.hidden_size, c.attention.num_attention_heads, c.intermed_type, c.intermed_size]).toEqual([16, 768, 12, 'ff', 3072]);
    expect([c.embedding.vocab_size, c.embedding.max_seq_length]).toEqual([32768, 128]);
  });

  it('UltraFastBERT-KxD sets K trees of depth D', () => {
    const c = presetConfig('UltraFastBERT-1x11-long');
    expect([c.intermed_type, c.intermed_size, c.intermed_depth, fffNeurons(c), c.hidden_size]).toEqual(['fff', 1, 11, 4095, 768]);
    const specs = new Map(parameterSpecs(c).map((s) => [s.name, s.shape]));
    expect(specs.get('encoder.layers.15.ffn.linear_in.weight')).toEqual([4095, 768]);
    expect(specs.get('encoder.layers.15.ffn.linear_out.weight')).toEqual([768, 4095]);
    expect(presetConfig('UltraFastBERT-4x6').intermed_size).toBe(4);
  });

  it('tiny presets are small and take overrides', () => {
    const c = presetConfig('UltraFastBERT-tiny-2x3', { embedding: { vocab_size: 500 }, num_labels: 2 });
    expect([
      c.hidden_size,
      c.num_transformer_layers,
      c.intermed_size,
      c.intermed_depth,
      c.embedding.vocab_size,
      c.embedding.max_seq_length,
      c.num_labels,
    ]).toEqual([64, 2, 2, 3, 500, 128, 2]);
    expect(presetConfig('crammedBERT-tiny').intermed_size).toBe(256);
  });

  it('rejects unknown names with the list of known ones', () => {
    expect(problemsOf(() => presetConfig('BERT-base'))[0]).toMatch(/unknown preset; expected one of crammedBERT-3072/);
  });
});
