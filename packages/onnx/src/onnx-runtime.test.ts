import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend, tf } from '@ufbert/tensor';
import { CrammedBertModel, CrammedBertPipeline, TextTokenizer, createConfig, loadModel, saveModel, trainWordPiece } from '@ufbert/crammed-bert';
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

  it('re-exports a cached file that no longer matches its digest, and keys the cache by the weights themselves', async () => {
    const first = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 });
    await first.dispose();
    const bytes = await readFile(first.source);
    bytes[bytes.length - 100] ^= 0xff; // a flipped weight byte: still a loadable model
    await writeFile(first.source, bytes);
    const again = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 });
    await again.dispose();
    expect(again.source).toBe(first.source);
    const digest = (await readFile(`${first.source}.sha256`, 'utf8')).trim();
    expect(createHash('sha256').update(await readFile(first.source)).digest('hex')).toBe(digest);

    const copy = join(work, 'mlm-retrained');
    await cp(mlmDir, copy, { recursive: true });
    await rm(join(copy, ONNX_CACHE_DIR), { recursive: true });
    const model = await loadModel(copy);
    model.parameter('encoder.layers.0.ffn.linear_in.bias').assign(tf.onesLike(model.parameter('encoder.layers.0.ffn.linear_in.bias')));
    await saveModel(model, copy);
    model.dispose();
    const [original, changed] = [await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 }), await OnnxInferenceRuntime.fromCheckpoint(copy, { threads: 1 })];
    expect(changed.source.split('/').pop()).not.toBe(original.source.split('/').pop());
    await Promise.all([original.dispose(), changed.dispose()]);
  });

  it('refuses ids outside the vocabulary or the window, and mask values other than 0 and 1', async () => {
    const runtime = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 });
    try {
      await expect(runtime.hiddenStates({ inputIds: [[2, -1, 3]], attentionMask: [[1, 1, 1]] })).rejects.toThrow(/expected token ids in \[0, \d+\), got -1/);
      await expect(runtime.hiddenStates({ inputIds: [[2, 3]], attentionMask: [[1, 2]] })).rejects.toThrow(/attention-mask values 0 or 1, got 2/);
      await expect(runtime.hiddenStates({ inputIds: [[2, 1.5]], attentionMask: [[1, 1]] })).rejects.toThrow(/non-negative integers, got 1.5/);
      await expect(runtime.hiddenStates({ inputIds: [new Array(33).fill(2)], attentionMask: [new Array(33).fill(1)] })).rejects.toThrow(/exceeds the model's max_seq_length 32/);
      await expect(runtime.session.runTensors(new BigInt64Array(0), new BigInt64Array(0), [0, 5])).rejects.toThrow(/positive integers, got \[0, 5\]/);
    } finally {
      await runtime.dispose();
    }
  });

  it('exports in memory when asked not to cache', async () => {
    const runtime = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1, fffDenseLevels: 2, cache: false });
    expect(runtime.source).toBe('memory');
    expect((await readdir(join(mlmDir, ONNX_CACHE_DIR))).filter((n) => n.endsWith('.onnx'))).toHaveLength(2);
    await runtime.dispose();
  });
});
