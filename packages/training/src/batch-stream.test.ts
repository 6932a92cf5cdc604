import { Rng } from '@ufbert/tensor';
import { describe, expect, it } from 'vitest';
import { BatchStream } from './batch-stream.js';
import { CheckpointError } from './errors.js';
import { packSequences } from './packing.js';
import { letterTokenizer } from './test-utils/fixtures.js';

const letters = new Rng(12);
const text = Array.from({ length: 260 }, () => String.fromCharCode(97 + letters.int(26))).join('');
const packed = packSequences([{ source: 't', id: '1', text }], letterTokenizer, { sequenceLength: 10 });

/** Which packed sequence a batch row came from, found by its unmasked tokens. */
function sourceRow(labels: Int32Array, inputIds: Int32Array, b: number): number {
  const original = Array.from({ length: 10 }, (_, s) => (labels[b * 10 + s] === -100 ? inputIds[b * 10 + s] : labels[b * 10 + s]));
  for (let i = 0; i < packed.count; i++) if (original.every((id, s) => packed.ids[i * 10 + s] === id)) return i;
  return -1;
}

describe('BatchStream', () => {
  it('visits every sequence once per epoch, in a seeded order, with full microbatches across epochs', () => {
    expect(packed.count).toBe(33);
    const stream = new BatchStream(packed, letterTokenizer, { microBatchSize: 4, seed: 5 });
    const seen: number[] = [];
    for (let i = 0; i < 17; i++) {
      const batch = stream.next();
      expect(batch.batchSize).toBe(4);
      for (let b = 0; b < 4; b++) seen.push(sourceRow(batch.labels, batch.inputIds, b));
    }
    expect(new Set(seen).has(-1)).toBe(false);
    expect(new Set(seen.slice(0, 33)).size).toBe(33);
    expect(new Set(seen.slice(33, 66)).size).toBe(33);
    expect(seen.slice(33, 66)).not.toEqual(seen.slice(0, 33));
    expect(stream.getState().position).toEqual({ epoch: 2, offset: 2 });
  });

  it('continues exactly from a saved, JSON-serialised state', () => {
    const a = new BatchStream(packed, letterTokenizer, { microBatchSize: 5, seed: 1 });
    for (let i = 0; i < 8; i++) a.next();
    const state = JSON.parse(JSON.stringify(a.getState()));
    const b = new BatchStream(packed, letterTokenizer, { microBatchSize: 5, seed: 1 });
    b.setState(state);
    for (let i = 0; i < 10; i++) {
      const x = a.next();
      const y = b.next();
      expect(y.inputIds).toEqual(x.inputIds);
      expect(y.labels).toEqual(x.labels);
    }
    expect(() => b.setState({ ...state, position: { epoch: 0, offset: 99 } })).toThrow(CheckpointError);
  });
});
