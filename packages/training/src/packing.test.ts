import { describe, expect, it } from 'vitest';
import { TrainingConfigError, TrainingContractError } from './errors.js';
import { fingerprintSequences, packSequences, selectSequences } from './packing.js';
import { letterTokenizer } from './test-utils/fixtures.js';

const doc = (id: string, text: string) => ({ source: 'test', id, text });
const row = (ids: Int32Array, length: number, i: number) => [...ids.subarray(i * length, (i + 1) * length)];

describe('packSequences', () => {
  // letterTokenizer: a=10, b=11, ...; [PAD]=0 [CLS]=2 [SEP]=3.
  it('packs the document stream into [CLS] ... [SEP] sequences, [SEP] between documents, padding only the last', () => {
    const packed = packSequences([doc('1', 'abcd'), doc('2', 'efgh')], letterTokenizer, { sequenceLength: 6 });
    // Stream: a b c d [SEP] e f g h [SEP] -> pieces of 4.
    expect(packed.count).toBe(3);
    expect(row(packed.ids, 6, 0)).toEqual([2, 10, 11, 12, 13, 3]);
    expect(row(packed.ids, 6, 1)).toEqual([2, 3, 14, 15, 16, 3]);
    expect(row(packed.ids, 6, 2)).toEqual([2, 17, 3, 3, 0, 0]);
    expect([...packed.lengths]).toEqual([6, 6, 4]);
  });

  it('drops a trailing piece that holds only the final [SEP]', () => {
    const packed = packSequences([doc('1', 'abcd'), doc('2', 'efg')], letterTokenizer, { sequenceLength: 6 });
    // Stream: a b c d [SEP] e f g [SEP] -> the third piece would be [SEP] alone.
    expect(packed.count).toBe(2);
  });

  it('encodes paragraph by paragraph without separating them', () => {
    const calls: string[] = [];
    const tokenizer = {
      ...letterTokenizer,
      encode: (text: string) => {
        calls.push(text);
        return letterTokenizer.encode(text);
      },
    };
    const packed = packSequences([doc('1', 'ab\n\ncd\n  \nef')], tokenizer, { sequenceLength: 10 });
    expect(calls).toEqual(['ab', 'cd', 'ef']);
    expect(row(packed.ids, 10, 0)).toEqual([2, 10, 11, 12, 13, 14, 15, 3, 3, 0]);
  });

  it('defaults to 128 tokens and checks the length and the ids', () => {
    expect(packSequences([doc('1', 'a'.repeat(300))], letterTokenizer).sequenceLength).toBe(128);
    expect(() => packSequences([doc('1', 'ab')], letterTokenizer, { sequenceLength: 2 })).toThrow(TrainingConfigError);
    expect(() => packSequences([doc('1', 'aé')], letterTokenizer)).toThrow(TrainingContractError);
  });

  it('selects rows and fingerprints the data', () => {
    const packed = packSequences([doc('1', 'abcdefghijklmnop')], letterTokenizer, { sequenceLength: 6 });
    const picked = selectSequences(packed, [2, 0]);
    expect(row(picked.ids, 6, 0)).toEqual(row(packed.ids, 6, 2));
    expect(row(picked.ids, 6, 1)).toEqual(row(packed.ids, 6, 0));
    expect(fingerprintSequences(packed)).toBe(fingerprintSequences(selectSequences(packed, [0, 1, 2, 3])));
    expect(fingerprintSequences(packed)).not.toBe(fingerprintSequences(picked));
  });
});
