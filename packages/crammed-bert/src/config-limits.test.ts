import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelConfig } from './node/load-model.js';
import { CONFIG_LIMITS, createConfig, defaultConfig, parseConfig } from './config.js';
import { presetConfig } from './presets.js';
import { problemsOf } from './test-utils/config-problems.js';

describe('config limits', () => {
  it('reject the sizes that used to run out of memory, at once and before any allocation', () => {
    const started = performance.now();
    expect(problemsOf(() => createConfig({ num_transformer_layers: 1e6 }))).toEqual(['num_transformer_layers must be an integer in [0, 256], got 1000000']);
    expect(problemsOf(() => createConfig({ embedding: { max_seq_length: 1e7 } }))).toEqual([
      'embedding.max_seq_length must be an integer in [1, 8192], got 10000000',
    ]);
    expect(problemsOf(() => createConfig({ embedding: { max_seq_length: 1e8 } }))).toEqual([
      'embedding.max_seq_length must be an integer in [1, 8192], got 100000000',
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('bound every size, each problem listed', () => {
    const problems = problemsOf(() =>
      parseConfig({
        ...defaultConfig(),
        hidden_size: 32768,
        intermed_size: 2 ** 21,
        embedding: { ...defaultConfig().embedding, vocab_size: 2 ** 22, embedding_dim: 32768 },
        attention: { ...defaultConfig().attention, num_attention_heads: 2048 },
        classification_head: { ...defaultConfig().classification_head, head_dim: 2 ** 17 },
        num_labels: 2 ** 17,
      }),
    );
    expect(problems).toEqual([
      `hidden_size must be an integer in [1, ${CONFIG_LIMITS.hidden_size}], got 32768`,
      `intermed_size must be an integer in [1, ${CONFIG_LIMITS.intermed_size}], got 2097152`,
      `embedding.vocab_size must be an integer in [1, ${CONFIG_LIMITS.vocab_size}], got 4194304`,
      `embedding.embedding_dim must be an integer in [1, ${CONFIG_LIMITS.hidden_size}], got 32768`,
      `attention.num_attention_heads must be an integer in [1, ${CONFIG_LIMITS.num_attention_heads}], got 2048`,
      `num_labels must be null (masked LM) or an integer in [1, ${CONFIG_LIMITS.num_labels}], got 131072`,
      `classification_head.head_dim must be an integer in [1, ${CONFIG_LIMITS.head_dim}], got 131072`,
    ]);
    expect(problemsOf(() => createConfig({ intermed_type: 'fff', intermed_size: 1, intermed_depth: 25 }))).toEqual([
      'intermed_depth must be an integer in [0, 24], got 25',
    ]);
  });

  it('bound the whole model: sizes each within their limit may not add up to more than 2^30 values', () => {
    const [problem] = problemsOf(() => createConfig({ hidden_size: 16384, embedding: { vocab_size: 1 << 21 }, attention: { num_attention_heads: 16 } }));
    expect(problem).toMatch(/^the model would hold 5\.32e\+10 float32 values \(weights and positional table\), more than the limit of 1073741824 \(4 GiB\)$/);
    expect(
      problemsOf(() =>
        createConfig({ intermed_type: 'fff', intermed_size: 1024, intermed_depth: 20, hidden_size: 64, attention: { num_attention_heads: 1 } }),
      )[0],
    ).toMatch(/float32 values/);
  });

  it('accept every preset and the published model', () => {
    for (const name of ['crammedBERT-3072', 'crammedBERT-tiny', 'UltraFastBERT-1x11-long', 'UltraFastBERT-tiny-1x7'])
      expect(() => presetConfig(name)).not.toThrow();
    expect(() => createConfig({ intermed_type: 'fff', intermed_size: 1, intermed_depth: 11, num_transformer_layers: 16 })).not.toThrow();
  });

  it('refuse a setting that would be ignored (ffn_layer_frequency other than 1)', () => {
    expect(problemsOf(() => createConfig({ ffn_layer_frequency: 2 }))).toEqual(['ffn_layer_frequency must be 1 (the only supported value), got 2']);
  });

  it('apply to model_config.json files, named in the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crammed-bert-limits-'));
    writeFileSync(join(dir, 'model_config.json'), JSON.stringify({ ...defaultConfig(), num_transformer_layers: 1e6 }));
    await expect(loadModelConfig(dir)).rejects.toThrow(
      /model_config\.json: 1 problem:\n {2}- num_transformer_layers must be an integer in \[0, 256\], got 1000000/,
    );
  });
});
