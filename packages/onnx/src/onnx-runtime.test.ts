import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend } from '@ufbert/tensor';
import { CrammedBertModel, CrammedBertPipeline, TextTokenizer, createConfig, saveModel, trainWordPiece } from '@ufbert/crammed-bert';
import { OnnxInferenceRuntime, ONNX_CACHE_DIR } from './onnx-runtime.js';

const CORPUS = [
  'the capital of france is paris.',
  'rome is the capital of italy and a very old city.',
  'berlin is a large city in germany with many parks.',
  'a river runs through the city of paris and the city of rome.',
  'many people live in large cities and small towns.',
];

let work: string;
let mlmDir: string;
let clsDir: string;

async function modelFolder(name: string, numLabels: number | null, tokenizer: TextTokenizer): Promise<string> {
  const config = createConfig({
    num_transformer_layers: 2,
    hidden_size: 32,
    intermed_type: 'fff',
    intermed_size: 2,
    intermed_depth: 4,
    num_labels: numLabels,
    embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32 },
    attention: { num_attention_heads: 4 },
    classification_head: { head_dim: 16, pooler: 'zero_index' },
  });
  const model = CrammedBertModel.create(config, { seed: 3 });
  const dir = join(work, name);
  await saveModel(model, dir);
  await tokenizer.save(dir);
  model.dispose();
  return dir;
}

beforeAll(async () => {
  await setBackend('cpu');
  work = await mkdtemp(join(tmpdir(), 'ufbert-onnx-runtime-'));
  const tokenizer = trainWordPiece(CORPUS, { vocabSize: 200, minFrequency: 1 });
  mlmDir = await modelFolder('mlm', null, tokenizer);
  clsDir = await modelFolder('cls', 3, tokenizer);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function both(dir: string) {
  const tfjs = await CrammedBertPipeline.load(dir);
  const onnx = new CrammedBertPipeline(await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 }), tfjs.tokenizer);
  return { tfjs, onnx };
}

describe('pipelines on onnxruntime', () => {
  it('fill the same masks with the same candidates and scores as tfjs', async () => {
    const { tfjs, onnx } = await both(mlmDir);
    try {
      const texts = ['the capital of [MASK] is paris.', 'rome is a [MASK] city in [MASK].'];
      const a = await tfjs.fillMaskBatch(texts, { topK: 5 });
      const b = await onnx.fillMaskBatch(texts, { topK: 5 });
      expect(b.map((masks) => masks.map((m) => m.map((c) => c.token)))).toEqual(a.map((masks) => masks.map((m) => m.map((c) => c.token))));
      b.flat(2).forEach((c, i) => expect(c.score).toBeCloseTo(a.flat(2)[i].score, 5));
      const [ea, eb] = [await tfjs.embed('many people live in cities'), await onnx.embed('many people live in cities')];
      eb.forEach((v, i) => expect(v).toBeCloseTo(ea[i], 4));
      expect(onnx.runtime.description).toMatch(/^onnxruntime-node \(1 thread/);
    } finally {
      await tfjs.dispose();
      await onnx.dispose();
    }
  });

  it('classify texts and pairs as tfjs does', async () => {
    const { tfjs, onnx } = await both(clsDir);
    try {
      const inputs = ['paris is a city', ['rome is old', 'berlin is large'] as const];
      const a = await tfjs.classifyBatch(inputs);
      const b = await onnx.classifyBatch(inputs);
      expect(b.map((r) => r.map((s) => s.label))).toEqual(a.map((r) => r.map((s) => s.label)));
      b.flat().forEach((s, i) => expect(s.score).toBeCloseTo(a.flat()[i].score, 5));
      await expect(onnx.fillMask('a [MASK]')).rejects.toThrow(/needs a masked-language model/);
    } finally {
      await tfjs.dispose();
      await onnx.dispose();
    }
  });

  it('exports a checkpoint once and reuses the cached file, keyed by its content', async () => {
    const first = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 });
    const second = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 });
    const other = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1, fffDenseLevels: 1 });
    try {
      expect(first.source).toMatch(new RegExp(`${ONNX_CACHE_DIR}/model-[0-9a-f]{20}\\.onnx$`));
      expect(second.source).toBe(first.source);
      expect(other.source).not.toBe(first.source);
      expect((await readdir(join(mlmDir, ONNX_CACHE_DIR))).filter((n) => n.endsWith('.onnx'))).toHaveLength(2);
    } finally {
      await Promise.all([first.dispose(), second.dispose(), other.dispose()]);
    }
  });

  it('exports in memory when asked not to cache', async () => {
    const runtime = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1, fffDenseLevels: 2, cache: false });
    expect(runtime.source).toBe('memory');
    expect((await readdir(join(mlmDir, ONNX_CACHE_DIR))).filter((n) => n.endsWith('.onnx'))).toHaveLength(2);
    await runtime.dispose();
  });
});
