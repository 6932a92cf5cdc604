import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { exportTransformersJsFolder } from '@ufbert/onnx/node';
import * as ufbert from './index.js';
import { tokenizer, writeTinyModels } from './test-utils/tiny-models.js';

type PipelineFactory = (
  task: string,
  model: string,
  options?: Record<string, unknown>,
) => Promise<((...args: unknown[]) => Promise<unknown>) & { dispose(): Promise<void> }>;

/** The shape of a result, values replaced by their type: what code written against either library can rely on. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    const tensor = value as { dims?: number[]; type?: string; tolist?: () => unknown };
    if (tensor.dims && typeof tensor.tolist === 'function') return { type: tensor.type, dims: tensor.dims.length, list: shape(tensor.tolist()) };
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}

/** transformers.js's documented examples for the three tasks, run with either library's `pipeline`. */
async function examples(pipeline: PipelineFactory, models: { mlm: string; cls: string }) {
  const unmasker = await pipeline('fill-mask', models.mlm, { dtype: 'fp32' });
  const fillOne = await unmasker('The capital of France is [MASK].', { top_k: 12 });
  const fillMany = await unmasker(['The capital of France is [MASK].', 'Berlin is a [MASK] city.']);
  await unmasker.dispose();
  const extractor = await pipeline('feature-extraction', models.mlm, { dtype: 'fp32' });
  const tokens = await extractor('This is a simple test.');
  const pooled = await extractor(['This is a simple test.', 'Paris'], { pooling: 'mean', normalize: true });
  await extractor.dispose();
  const classifier = await pipeline('sentiment-analysis', models.cls, { dtype: 'fp32' });
  const best = await classifier('I love transformers!');
  const everyLabel = await classifier(['I love transformers!', 'Paris is old.'], { top_k: null });
  await classifier.dispose();
  return { fillOne, fillMany, tokens, pooled, best, everyLabel };
}

const work = mkdtempSync(join(tmpdir(), 'ufbert-compat-'));
let mlmDir: string;
let clsDir: string;

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir, clsDir } = await writeTinyModels(work));
  await exportTransformersJsFolder(mlmDir, join(work, 'hf', 'tiny'));
  await exportTransformersJsFolder(clsDir, join(work, 'hf', 'tiny-cls'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the same script against @huggingface/transformers and @ufbert/pipelines', () => {
  it('gives identical output shapes, and the same fill-mask predictions less special tokens', async () => {
    const hf = await import('@huggingface/transformers');
    hf.env.allowRemoteModels = false;
    hf.env.localModelPath = join(work, 'hf');
    const theirs = await examples(hf.pipeline as unknown as PipelineFactory, { mlm: 'tiny', cls: 'tiny-cls' });
    const ours = await examples(ufbert.pipeline as unknown as PipelineFactory, { mlm: mlmDir, cls: clsDir });

    expect(shape(ours.fillOne)).toEqual(shape(theirs.fillOne));
    expect(shape(ours.fillMany)).toEqual(shape(theirs.fillMany));
    // transformers.js may propose special tokens; ufbert never does: the rest agrees, in order, with the same scores.
    const special = new Set(Object.values(tokenizer.specialTokens).map((t) => t.id));
    type Candidate = { score: number; token: number; token_str: string; sequence: string };
    const kept = (theirs.fillOne as Candidate[]).filter((c) => !special.has(c.token));
    expect(kept.length).toBeGreaterThan(6);
    const mine = (ours.fillOne as Candidate[]).slice(0, kept.length);
    expect(mine.map((c) => [c.token, c.token_str, c.sequence])).toEqual(kept.map((c) => [c.token, c.token_str, c.sequence]));
    mine.forEach((c, i) => expect(c.score).toBeCloseTo(kept[i].score, 5));

    // Feature extraction: the same tensors (the export names the hidden states last_hidden_state too, as transformers.js reads them).
    for (const key of ['tokens', 'pooled'] as const) {
      const [a, b] = [ours[key] as ufbert.FeatureTensor, theirs[key] as unknown as { dims: number[]; type: string; data: Float32Array }];
      expect(shape(a)).toEqual(shape(b));
      expect(a.dims).toEqual(b.dims);
      a.data.forEach((v, i) => expect(v).toBeCloseTo(b.data[i], 4));
    }

    // Classification: the same labels (from config.json's id2label), in the same order, with the same scores.
    type Label = { label: string; score: number };
    expect(shape(ours.best)).toEqual(shape(theirs.best));
    expect(shape(ours.everyLabel)).toEqual(shape(theirs.everyLabel));
    const flat = (r: unknown) => (r as Label[] | Label[][]).flat();
    expect(flat(ours.everyLabel).map((l) => l.label)).toEqual(flat(theirs.everyLabel).map((l) => l.label));
    expect(
      flat(ours.everyLabel)
        .map((l) => l.label)
        .sort(),
    ).toEqual(['negative', 'negative', 'neutral', 'neutral', 'positive', 'positive']);
    flat(ours.everyLabel).forEach((l, i) => expect(l.score).toBeCloseTo(flat(theirs.everyLabel)[i].score, 5));
  });

  it("runs the quantized export (onnx/model_quantized.onnx) for dtype 'q8', with the fp32 file's predictions", async () => {
    const hf = await import('@huggingface/transformers');
    hf.env.allowRemoteModels = false;
    hf.env.localModelPath = join(work, 'hf');
    const pipeline = hf.pipeline as unknown as PipelineFactory;
    type Candidate = { score: number; token: number };
    const predictions: Candidate[][] = [];
    for (const dtype of ['fp32', 'q8']) {
      const unmasker = await pipeline('fill-mask', 'tiny', { dtype });
      predictions.push((await unmasker('The capital of France is [MASK].', { top_k: 5 })) as Candidate[]);
      await unmasker.dispose();
    }
    const [fp32, q8] = predictions;
    expect(shape(q8)).toEqual(shape(fp32));
    // int8 weights move each score a little; the candidates and their order stay.
    expect(q8.map((c) => c.token)).toEqual(fp32.map((c) => c.token));
    q8.forEach((c, i) => expect(Math.abs(c.score - fp32[i].score)).toBeLessThan(0.02));
  });
});
