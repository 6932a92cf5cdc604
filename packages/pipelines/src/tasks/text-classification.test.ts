import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { pipeline } from '../pipeline.js';
import { writeTinyModels } from '../test-utils/tiny-models.js';
import type { LabelScore, TextClassificationPipeline } from './text-classification.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-text-classification-'));
let mlmDir: string;
let clsDir: string;
let classify: TextClassificationPipeline;

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir, clsDir } = await writeTinyModels(work));
  classify = await pipeline('sentiment-analysis', clsDir, { threads: 1 });
});

afterAll(async () => {
  await classify?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('text-classification', () => {
  it("gives the best label by default, named by config.json's id2label, in transformers.js's shapes", async () => {
    const [best] = (await classify('paris is a beautiful city')) as LabelScore[];
    expect(Object.keys(best).sort()).toEqual(['label', 'score']);
    expect(['negative', 'neutral', 'positive']).toContain(best.label);
    const all = (await classify('paris is a beautiful city', { top_k: null })) as LabelScore[];
    expect(all.map((s) => s.label).sort()).toEqual(['negative', 'neutral', 'positive']);
    expect(all.reduce((sum, s) => sum + s.score, 0)).toBeCloseTo(1, 5);
    expect(all[0]).toEqual(best);
    expect(all[1].score).toBeGreaterThanOrEqual(all[2].score);
    // top_k 1 and an array: one best label per input, flat; otherwise one list per input.
    expect(await classify(['a', 'b c'])).toHaveLength(2);
    const two = (await classify(['a', 'b c'], { top_k: 2 })) as LabelScore[][];
    expect(two.map((r) => r.length)).toEqual([2, 2]);
  });

  it('classifies text pairs, batched as alone; labels can be overridden; tfjs agrees', async () => {
    const pair = { text: 'paris is a city', text_pair: 'berlin is a city' };
    const alone = (await classify(pair, { top_k: null })) as LabelScore[];
    const batched = (await classify([pair, 'rome'], { top_k: null })) as LabelScore[][];
    expect(batched[0].map((s) => s.label)).toEqual(alone.map((s) => s.label));
    batched[0].forEach((s, i) => expect(s.score).toBeCloseTo(alone[i].score, 5));
    const renamed = await pipeline('text-classification', clsDir, { runtime: 'tfjs', device: 'cpu', labels: ['bad', 'meh', 'good'] });
    try {
      const onTfjs = (await renamed(pair, { top_k: null })) as LabelScore[];
      const onOnnx = (await classify(pair, { top_k: null })) as LabelScore[];
      expect(onTfjs.map((s) => s.label)).toEqual(onOnnx.map((s) => ({ negative: 'bad', neutral: 'meh', positive: 'good' })[s.label]));
      onTfjs.forEach((s, i) => expect(s.score).toBeCloseTo(onOnnx[i].score, 4));
    } finally {
      await renamed.dispose();
    }
  });

  it('refuses what it cannot run, with typed errors', async () => {
    await expect(classify('a', { top_k: 0 })).rejects.toThrow(/top_k must be a positive integer or null/);
    await expect(classify({ text: 'a' } as never)).rejects.toThrow(/expected a text or \{ text, text_pair \}/);
    await expect(pipeline('text-classification', mlmDir, { threads: 1 })).rejects.toThrow(/needs a classification head/);
    await expect(pipeline('text-classification', clsDir, { threads: 1, labels: ['a', 'b'] })).rejects.toThrow(/expected 3 label names for this head, got 2/);
  });
});
