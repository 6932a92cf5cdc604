import { describe, expect, it } from 'vitest';
import { TrainingConfigError } from './errors.js';
import { packSequences, type PackedSequences } from './packing.js';
import { splitSequences } from './split.js';
import { letterTokenizer } from './test-utils/fixtures.js';

const rows = (p: PackedSequences) => Array.from({ length: p.count }, (_, i) => p.ids.subarray(i * p.sequenceLength, (i + 1) * p.sequenceLength).join(','));

describe('splitSequences', () => {
  const packed = packSequences([{ source: 't', id: '1', text: 'abcdefghijklmnopqrstuvwxyz'.repeat(8) }], letterTokenizer, { sequenceLength: 6 });

  it('holds out round(fraction * count) sequences, disjoint from training, the same for the same seed', () => {
    const a = splitSequences(packed, { validationFraction: 0.1, seed: 7 });
    const b = splitSequences(packed, { validationFraction: 0.1, seed: 7 });
    expect(a.validation.count).toBe(Math.round(0.1 * packed.count));
    expect(a.train.count + a.validation.count).toBe(packed.count);
    expect(rows(a.validation)).toEqual(rows(b.validation));
    expect(rows(a.train)).toEqual(rows(b.train));
    expect(new Set([...rows(a.train), ...rows(a.validation)]).size).toBe(new Set(rows(packed)).size);
    expect(rows(splitSequences(packed, { validationFraction: 0.1, seed: 8 }).validation)).not.toEqual(rows(a.validation));
  });

  it('keeps at least one sequence on each side and refuses too little data', () => {
    expect(splitSequences(packed, { validationFraction: 0.0001, seed: 0 }).validation.count).toBe(1);
    expect(splitSequences(packed, { validationFraction: 0, seed: 0 }).validation.count).toBe(0);
    const one = packSequences([{ source: 't', id: '1', text: 'abc' }], letterTokenizer, { sequenceLength: 6 });
    expect(() => splitSequences(one, { validationFraction: 0.5, seed: 0 })).toThrow(TrainingConfigError);
    expect(() => splitSequences(packed, { validationFraction: 1, seed: 0 })).toThrow(TrainingConfigError);
  });
});
