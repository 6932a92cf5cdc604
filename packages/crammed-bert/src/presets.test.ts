import { describe, expect, it } from 'vitest';
import { INHERITED_NAMES } from '@ufbert/tensor';
import { ConfigError } from './errors.js';
import { presetConfig } from './presets.js';

describe('presetConfig lookups', () => {
  it('knows only its own presets: inherited names are unknown presets (toString once built crammedBERT-3072)', () => {
    for (const name of INHERITED_NAMES) {
      expect(() => presetConfig(name)).toThrow(ConfigError);
      expect(() => presetConfig(name)).toThrow(`preset '${name}': 1 problem:\n  - unknown preset; expected one of crammedBERT-3072, crammedBERT-tiny`);
    }
    expect(presetConfig('crammedBERT-tiny').hidden_size).toBe(64);
  });
});
