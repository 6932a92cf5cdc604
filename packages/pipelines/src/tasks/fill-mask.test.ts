import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend, tf } from '@ufbert/tensor';
import { pipeline } from '../pipeline.js';
import { PipelineError } from '../errors.js';
import { tokenizer, writeTinyModels } from '../test-utils/tiny-models.js';
import type { FillMaskCandidate, FillMaskPipeline } from './fill-mask.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-fill-mask-'));
let mlmDir: string;
let clsDir: string;
let onnx: FillMaskPipeline;
let tfjs: FillMaskPipeline;

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir, clsDir } = await writeTinyModels(work));
  onnx = await pipeline('fill-mask', mlmDir, { threads: 1 });
  tfjs = await pipeline('fill-mask', mlmDir, { runtime: 'tfjs', device: 'cpu' });
});

afterAll(async () => {
  await onnx?.dispose();
  await tfjs?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('fill-mask', () => {
  it("predicts the trained answer in transformers.js's fields, a flat list for one text with one mask", async () => {
    const candidates = (await onnx('The capital of France is [MASK].', { top_k: 4 })) as FillMaskCandidate[];
    expect(candidates).toHaveLength(4);
    expect(candidates[0]).toEqual({
      score: expect.any(Number),
      token: tokenizer.tokenToId('paris'),
      token_str: 'paris',
      sequence: 'the capital of france is paris.',
    });
    expect(candidates[0].score).toBeGreaterThan(0.5);
    for (let i = 1; i < 4; i++) expect(candidates[i].score).toBeLessThanOrEqual(candidates[i - 1].score);
    expect(await onnx('The capital of France is [MASK].')).toHaveLength(5);
  });

  it('nests per text for an array and per mask for several masks; batched equals alone; tfjs equals onnxruntime', async () => {
    const texts = ['the capital of france is [MASK].', 'rome is the [MASK] of [MASK].', 'a [MASK] city'];
    const batched = await onnx(texts, { top_k: 3 });
    expect(batched).toHaveLength(3);
    expect((batched[1] as FillMaskCandidate[][]).map((m) => m.length)).toEqual([3, 3]);
    for (let i = 0; i < texts.length; i++) {
      const alone = await onnx(texts[i], { top_k: 3 });
      expect(JSON.stringify(alone, (_, v) => (typeof v === 'number' ? Math.round(v * 1e4) : v))).toBe(
        JSON.stringify(batched[i], (_, v) => (typeof v === 'number' ? Math.round(v * 1e4) : v)),
      );
    }
    const other = await tfjs(texts, { top_k: 3 });
    expect((other[0] as FillMaskCandidate[]).map((c) => c.token)).toEqual((batched[0] as FillMaskCandidate[]).map((c) => c.token));
  });

  it('never proposes a special token, even asked for the whole vocabulary', async () => {
    const special = new Set(Object.values(tokenizer.specialTokens).map((t) => t.id));
    const all = (await onnx('a [MASK]', { top_k: 10_000 })) as FillMaskCandidate[];
    expect(all).toHaveLength(tokenizer.vocabSize - special.size);
    expect(all.some((c) => special.has(c.token))).toBe(false);
  });

  it('refuses inputs it cannot fill, with typed errors', async () => {
    await expect(onnx('no mask here')).rejects.toThrow(PipelineError);
    await expect(onnx('a [MASK]', { top_k: 0 })).rejects.toThrow(/top_k must be a positive integer, got 0/);
    await expect(onnx([])).rejects.toThrow(/at least one input/);
    await expect(pipeline('fill-mask', clsDir, { threads: 1 })).rejects.toThrow(/needs a masked-language model/);
    await expect(pipeline('fill-mask', mlmDir, { runtime: 'onnxruntime', device: 'webgpu' })).rejects.toThrow(/device 'webgpu' is a tfjs backend/);
    await expect(pipeline('fill-mask', mlmDir, { dtype: 'q4' as 'q8' })).rejects.toThrow("dtype must be one of fp32, q8 (or auto), got 'q4'");
    await expect(pipeline('translation' as 'fill-mask', mlmDir)).rejects.toThrow(/unknown task 'translation'/);
  });

  it('loads from bytes in memory, on either runtime, and leaves no tensors behind', async () => {
    const files = new Map<string, Uint8Array>();
    for (const file of ['model.safetensors', 'model_config.json', 'tokenizer.json']) files.set(file, await readFile(join(mlmDir, file)));
    const fromBytes = await pipeline('fill-mask', files, { threads: 1 });
    const expected = (await onnx('the capital of france is [MASK].')) as FillMaskCandidate[];
    try {
      expect(((await fromBytes('the capital of france is [MASK].')) as FillMaskCandidate[]).map((c) => c.token)).toEqual(expected.map((c) => c.token));
    } finally {
      await fromBytes.dispose();
    }
    await tfjs('a [MASK]');
    const before = tf.memory().numTensors;
    await tfjs(['a [MASK]', 'the [MASK] of france']);
    expect(tf.memory().numTensors).toBe(before);
    const viaRecord = await pipeline('fill-mask', Object.fromEntries(files), { runtime: 'tfjs', device: 'cpu' });
    expect(((await viaRecord('the capital of france is [MASK].')) as FillMaskCandidate[])[0].token).toBe(expected[0].token);
    await viaRecord.dispose();
    files.delete('tokenizer.json');
    await expect(pipeline('fill-mask', files)).rejects.toThrow(/expected tokenizer.json in the model bytes/);
  });
});
