import { describe, expect, it } from 'vitest';
import { packSequences } from './packing.js';
import { letterTokenizer } from './test-utils/fixtures.js';
import { unigramBaseline } from './unigram-baseline.js';

describe('unigramBaseline', () => {
  it('is the entropy of the maskable tokens, special tokens and padding left out', () => {
    const uniform = packSequences([{ source: 't', id: '1', text: 'abcd'.repeat(5) }], letterTokenizer, { sequenceLength: 16 });
    const baseline = unigramBaseline(uniform, letterTokenizer);
    expect(baseline.tokens).toBe(20);
    expect(baseline.distinctTokens).toBe(4);
    expect(baseline.crossEntropy).toBeCloseTo(Math.log(4), 12);
  });

  it('is lower for a skewed distribution', () => {
    const skewed = packSequences([{ source: 't', id: '1', text: 'aaab'.repeat(10) }], letterTokenizer, { sequenceLength: 16 });
    const p = [0.75, 0.25];
    expect(unigramBaseline(skewed, letterTokenizer).crossEntropy).toBeCloseTo(-p.reduce((h, q) => h + q * Math.log(q), 0), 12);
  });
});
