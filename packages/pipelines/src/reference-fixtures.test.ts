import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend, tf } from '@ufbert/tensor';
import { trainWordPiece } from '@ufbert/crammed-bert';
import { loadModel, saveTokenizer } from '@ufbert/crammed-bert/node';
import { pipeline } from './pipeline.js';
import type { FillMaskCandidate } from './tasks/fill-mask.js';
import type { LabelScore } from './tasks/text-classification.js';
import { FIXTURES } from '../../../fixtures/index.js';

// The reference PyTorch fixtures' models (random weights, vocabulary of 97, window of 16) with a
// tokenizer small enough for them: every task runs them, and onnxruntime and tfjs agree.
const tokenizer = trainWordPiece(['the capital of france is paris.', 'rome is old.', 'berlin is a city.'], { vocabSize: 90, minFrequency: 1 });
const work = mkdtempSync(join(tmpdir(), 'ufbert-fixture-pipelines-'));
const folder = async (name: string) => {
  const dir = join(work, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  await saveTokenizer(tokenizer, dir);
  return dir;
};
let mlm: string;
let cls: string;

beforeAll(async () => {
  await setBackend('cpu');
  mlm = await folder('crammed-fff-mlm');
  cls = await folder('crammed-fff-cls');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pipelines on the reference fixture models', () => {
  it('fill-mask: the same candidates and scores on onnxruntime and tfjs', async () => {
    const [onnx, tfjs] = [await pipeline('fill-mask', mlm, { threads: 1 }), await pipeline('fill-mask', mlm, { runtime: 'tfjs' })];
    try {
      // One text with one mask: a flat list of candidates, as transformers.js returns.
      const [a, b] = [
        (await onnx('rome is [MASK].', { top_k: 5 })) as FillMaskCandidate[],
        (await tfjs('rome is [MASK].', { top_k: 5 })) as FillMaskCandidate[],
      ];
      expect(a.map((c) => c.token)).toEqual(b.map((c) => c.token));
      a.forEach((c, i) => expect(c.score).toBeCloseTo(b[i].score, 5));
    } finally {
      await Promise.all([onnx.dispose(), tfjs.dispose()]);
    }
  });

  it('text-classification: every label of the 3-label head, the same on both runtimes', async () => {
    const [onnx, tfjs] = [await pipeline('text-classification', cls, { threads: 1 }), await pipeline('text-classification', cls, { runtime: 'tfjs' })];
    try {
      const [a, b] = [(await onnx('paris is a city.', { top_k: null })) as LabelScore[], (await tfjs('paris is a city.', { top_k: null })) as LabelScore[]];
      expect(a.map((l) => l.label)).toEqual(b.map((l) => l.label));
      expect(a.map((l) => l.label).sort()).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
      a.forEach((l, i) => expect(l.score).toBeCloseTo(b[i].score, 5));
    } finally {
      await Promise.all([onnx.dispose(), tfjs.dispose()]);
    }
  });

  it("feature-extraction: the model's own hidden states for the text, on both runtimes", async () => {
    const text = 'berlin is a city.';
    const { inputIds, attentionMask } = tokenizer.encodeBatch([text]);
    const model = await loadModel(mlm);
    const ids = tf.tensor2d(inputIds, undefined, 'int32');
    const mask = tf.tensor2d(attentionMask, undefined, 'int32');
    const expected = (await model.hiddenStates(ids, mask).data()) as Float32Array;
    tf.dispose([ids, mask]);
    model.dispose();
    for (const runtime of ['onnxruntime', 'tfjs'] as const) {
      const extract = await pipeline('feature-extraction', mlm, { runtime });
      try {
        const tensor = await extract(text);
        expect(tensor.dims).toEqual([1, inputIds[0].length, 32]);
        tensor.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
      } finally {
        await extract.dispose();
      }
    }
  });
});
