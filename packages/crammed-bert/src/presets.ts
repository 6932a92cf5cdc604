import { createConfig, type CrammedBertConfig, type CrammedBertConfigInput } from './config.js';
import { excerpt, ownEntry } from '@ufbert/tensor';
import { ConfigError } from './errors.js';

/** Width and depth of the tiny presets: small enough to train in seconds on a CPU. */
const TINY: CrammedBertConfigInput = {
  num_transformer_layers: 2,
  hidden_size: 64,
  intermed_size: 256,
  embedding: { vocab_size: 4096, max_seq_length: 128 },
  attention: { num_attention_heads: 4 },
  classification_head: { head_dim: 64 },
};

const FIXED_PRESETS: Readonly<Record<string, CrammedBertConfigInput>> = {
  /** The paper's baseline: 16 layers, hidden 768, 12 heads, FF 3072, vocab 32768, sequences of 128. */
  'crammedBERT-3072': {},
  'crammedBERT-tiny': TINY,
};

const ULTRAFAST = /^UltraFastBERT(-tiny)?-(\d+)x(\d+)(?:-long)?$/;

/** Names `presetConfig` accepts; `UltraFastBERT-KxD` and `UltraFastBERT-tiny-KxD` take any K >= 1 and D in [0, 24]. */
export const PRESET_NAMES: readonly string[] = ['crammedBERT-3072', 'crammedBERT-tiny', 'UltraFastBERT-KxD', 'UltraFastBERT-tiny-KxD'];

/**
 * A named architecture: `crammedBERT-3072`, `crammedBERT-tiny`, `UltraFastBERT-KxD`
 * (K trees of depth D in every layer, e.g. `UltraFastBERT-1x11`, with or without `-long`)
 * or `UltraFastBERT-tiny-KxD`. Overrides apply on top (for example the tokenizer's vocab_size).
 */
export function presetConfig(name: string, overrides: CrammedBertConfigInput = {}): CrammedBertConfig {
  const fixed = ownEntry(FIXED_PRESETS, name);
  let base: CrammedBertConfigInput;
  if (fixed !== undefined) {
    base = fixed;
  } else {
    const match = typeof name === 'string' ? ULTRAFAST.exec(name) : null;
    if (!match) {
      throw new ConfigError(`preset '${excerpt(String(name))}'`, [`unknown preset; expected one of ${PRESET_NAMES.join(', ')}`]);
    }
    const [, tiny, trees, depth] = match;
    base = { ...(tiny ? TINY : {}), intermed_type: 'fff', intermed_size: Number(trees), intermed_depth: Number(depth) };
  }
  return createConfig(mergeInput(base, overrides));
}

function mergeInput(base: CrammedBertConfigInput, over: CrammedBertConfigInput): CrammedBertConfigInput {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && prior !== null && typeof prior === 'object' ? { ...prior, ...value } : value;
  }
  return out as CrammedBertConfigInput;
}
