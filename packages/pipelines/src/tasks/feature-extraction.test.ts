import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { pipeline } from '../pipeline.js';
import { writeTinyModels } from '../test-utils/tiny-models.js';
import type { FeatureExtractionPipeline } from './feature-extraction.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-feature-extraction-'));
let extract: FeatureExtractionPipeline;

beforeAll(async () => {
  await setBackend('cpu');
  const { mlmDir } = await writeTinyModels(work);
  extract = await pipeline('feature-extraction', mlmDir, { threads: 1, batch_size: 1 });
});

afterAll(async () => {
  await extract?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('feature-extraction', () => {
  it('returns every token vector by default, padded with zeros to the longest input', async () => {
    const one = await extract('the capital of france');
    expect(one.type).toBe('float32');
    expect(one.dims).toEqual([1, 6, 32]);
    const two = await extract(['the capital of france', 'rome']);
    expect(two.dims).toEqual([2, 6, 32]);
    const list = two.tolist() as number[][][];
    expect(list[0][5]).toHaveLength(32);
    expect(list[1][4].every((v) => v === 0)).toBe(true);
    list[0].flat().forEach((v, i) => expect(v).toBeCloseTo(one.data[i], 4));
  });

  it('pools by mean or cls, normalizes to unit length, the same batched (batch_size 1) as alone', async () => {
    const texts = ['the capital of france', 'a much longer sentence about the capital of germany'];
    const mean = await extract(texts, { pooling: 'mean' });
    expect(mean.dims).toEqual([2, 32]);
    const alone = await extract(texts[0], { pooling: 'mean' });
    alone.data.forEach((v, i) => expect(v).toBeCloseTo(mean.data[i], 5));
    const cls = await extract(texts[0], { pooling: 'cls' });
    const tokens = await extract(texts[0]);
    cls.data.forEach((v, i) => expect(v).toBeCloseTo(tokens.data[i], 5));
    const unit = await extract(texts, { pooling: 'mean', normalize: true });
    for (const row of unit.tolist() as number[][]) expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    await expect(extract('a', { pooling: 'first' as 'cls' })).rejects.toThrow(
      "pooling must be one of none, mean, cls, first_token, eos, last_token, got 'first'",
    );
  });
});
