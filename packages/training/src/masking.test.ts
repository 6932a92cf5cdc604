import { Rng } from '@ufbert/tensor';
import { describe, expect, it } from 'vitest';
import { TrainingConfigError } from './errors.js';
import { IGNORE_LABEL, maskSequences, maskedCount } from './masking.js';
import { packSequences } from './packing.js';
import { letterTokenizer } from './test-utils/fixtures.js';

const MASK = letterTokenizer.specialIds.mask;
const text = `${'thequickbrownfoxjumpsoverthelazydog'.repeat(30)}xy`;
const packed = packSequences(
  [
    { source: 't', id: '1', text },
    { source: 't', id: '2', text: 'hello' },
  ],
  letterTokenizer,
  { sequenceLength: 32 },
);
const allRows = Array.from({ length: packed.count }, (_, i) => i);

describe('maskSequences', () => {
  it('predicts a fixed round(0.25 * maskable) tokens per sequence, never special tokens or padding', () => {
    const batch = maskSequences(packed, allRows, letterTokenizer, new Rng(1));
    for (let b = 0; b < batch.batchSize; b++) {
      let maskable = 0;
      let predicted = 0;
      for (let s = 0; s < 32; s++) {
        const at = b * 32 + s;
        const original = packed.ids[allRows[b] * 32 + s];
        const isSpecial = original < 5;
        if (!isSpecial) maskable++;
        if (batch.labels[at] !== IGNORE_LABEL) {
          predicted++;
          expect(isSpecial).toBe(false);
          expect(batch.labels[at]).toBe(original);
        } else {
          expect(batch.inputIds[at]).toBe(original);
        }
        expect(batch.attentionMask[at]).toBe(s < packed.lengths[allRows[b]] ? 1 : 0);
      }
      expect(predicted).toBe(maskedCount(maskable, 0.25));
      if (maskable === 30) expect(predicted).toBe(8);
    }
    expect(batch.tokenCount).toBe(packed.lengths.reduce((a, b) => a + b, 0));
  });

  it('lists the predicted positions and their targets, ascending', () => {
    const batch = maskSequences(packed, [3, 0], letterTokenizer, new Rng(2));
    const fromLabels = [...batch.labels.keys()].filter((at) => batch.labels[at] !== IGNORE_LABEL);
    expect([...batch.maskedPositions]).toEqual(fromLabels);
    expect([...batch.maskedTargets]).toEqual(fromLabels.map((at) => batch.labels[at]));
  });

  it('replaces 80% with [MASK], 10% with a random ordinary token and keeps 10%', () => {
    let masked = 0;
    let random = 0;
    let kept = 0;
    const rng = new Rng(3);
    for (let round = 0; round < 40; round++) {
      const batch = maskSequences(packed, allRows, letterTokenizer, rng);
      for (const at of batch.maskedPositions) {
        const id = batch.inputIds[at];
        if (id === MASK) masked++;
        else if (id === batch.labels[at]) kept++;
        else {
          random++;
          expect(id).toBeGreaterThanOrEqual(5);
          expect(id).toBeLessThan(letterTokenizer.vocabSize);
        }
      }
    }
    const total = masked + random + kept;
    expect(total).toBeGreaterThan(5000);
    expect(masked / total).toBeCloseTo(0.8, 1);
    // A random replacement can draw the original token (1 in 35), which then counts as kept.
    expect(random / total).toBeGreaterThan(0.08);
    expect(random / total).toBeLessThan(0.115);
    expect(kept / total).toBeGreaterThan(0.085);
    expect(kept / total).toBeLessThan(0.12);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = maskSequences(packed, allRows, letterTokenizer, new Rng(9));
    const b = maskSequences(packed, allRows, letterTokenizer, new Rng(9));
    const c = maskSequences(packed, allRows, letterTokenizer, new Rng(10));
    expect(a.inputIds).toEqual(b.inputIds);
    expect(a.labels).toEqual(b.labels);
    expect(a.inputIds).not.toEqual(c.inputIds);
  });

  it('checks its options', () => {
    expect(() => maskSequences(packed, [0], letterTokenizer, new Rng(0), { rate: 0 })).toThrow(TrainingConfigError);
    expect(() => maskSequences(packed, [0], letterTokenizer, new Rng(0), { maskTokenFraction: 0.95, randomTokenFraction: 0.1 })).toThrow(/at most 1/);
  });

  it('counts round(rate * maskable), at least one when anything is maskable', () => {
    expect(maskedCount(126, 0.25)).toBe(32);
    expect(maskedCount(10, 0.25)).toBe(3);
    expect(maskedCount(1, 0.25)).toBe(1);
    expect(maskedCount(0, 0.25)).toBe(0);
  });
});
