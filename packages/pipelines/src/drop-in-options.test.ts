import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INHERITED_NAMES, setBackend } from '@ufbert/tensor';
import { TokenBatchError } from '@ufbert/crammed-bert';
import { ModelLoadError, PipelineError } from './errors.js';
import { pipeline } from './pipeline.js';
import { writeTinyModels } from './test-utils/tiny-models.js';
import { webPipeline } from './web-pipeline.js';
import type { FillMaskCandidate, FillMaskPipeline } from './tasks/fill-mask.js';
import type { LabelScore } from './tasks/text-classification.js';

// transformers.js's pipelines as a user of them writes: options per pipeline and per call, by its names.
const work = mkdtempSync(join(tmpdir(), 'ufbert-drop-in-'));
let mlmDir: string;
let clsDir: string;
let fill: FillMaskPipeline;

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir, clsDir } = await writeTinyModels(work));
  fill = await pipeline('fill-mask', mlmDir, { runtime: 'tfjs', device: 'cpu', top_k: 2 });
});
afterAll(async () => {
  await fill?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('unknown options', () => {
  it('of a call are a PipelineError listing the accepted ones (a topk typo once gave 5 results silently)', async () => {
    await expect(fill('a [MASK]', { topk: 1 } as never)).rejects.toThrow(PipelineError);
    await expect(fill('a [MASK]', { topk: 1 } as never)).rejects.toThrow(
      "unknown option 'topk' in the options of a fill-mask call: expected top_k, truncation",
    );
    await expect(fill('a [MASK]', { pooling: 'mean' } as never)).rejects.toThrow(/unknown option 'pooling'/);
    await expect(fill('a [MASK]', 3 as never)).rejects.toThrow('expected the options of a fill-mask call as an object, got a number (3)');
  });

  it('of a pipeline are a PipelineError naming them and what the loader and the task take, before anything loads', async () => {
    await expect(pipeline('fill-mask', mlmDir, { topk: 1 } as never)).rejects.toThrow(
      /^unknown option 'topk' in the options of pipeline\('fill-mask'\): expected runtime, device, .*, top_k, truncation$/,
    );
    await expect(pipeline('fill-mask', mlmDir, { pooling: 'mean' } as never)).rejects.toThrow(/unknown option 'pooling'/);
    await expect(pipeline('feature-extraction', mlmDir, { top_k: 3 } as never)).rejects.toThrow(
      /unknown option 'top_k' in the options of pipeline\('feature-extraction'\)/,
    );
    await expect(pipeline('fill-mask', join(work, 'no-such-folder'), { revsion: 'main' } as never)).rejects.toThrow(/unknown option 'revsion'/);
    await expect(webPipeline('fill-mask', new Map(), { parallelism: 'sequences' } as never)).rejects.toThrow(
      /unknown option 'parallelism' in the options of webPipeline\('fill-mask'\): expected runtime, device/,
    );
  });
});

describe('options per pipeline and per call', () => {
  it("top_k: the pipeline's for every call, a call's own over it", async () => {
    expect(await fill('the capital of france is [MASK].')).toHaveLength(2);
    expect(await fill('the capital of france is [MASK].', { top_k: 3 })).toHaveLength(3);
    await expect(pipeline('fill-mask', mlmDir, { runtime: 'tfjs', top_k: 0 })).rejects.toThrow('top_k must be a positive integer, got 0');
    const classify = await pipeline('text-classification', clsDir, { runtime: 'tfjs', top_k: null });
    try {
      expect((await classify('paris is a city')) as LabelScore[]).toHaveLength(3);
      expect((await classify('paris is a city', { top_k: 1 })) as LabelScore[]).toHaveLength(1);
    } finally {
      await classify.dispose();
    }
  });

  it("pooling and normalize per pipeline and per call, with transformers.js's pooling names", async () => {
    const extract = await pipeline('feature-extraction', mlmDir, { runtime: 'tfjs', pooling: 'mean', normalize: true });
    try {
      const pooled = await extract('paris is a city');
      expect(pooled.dims).toEqual([1, 32]);
      expect(Math.hypot(...pooled.data)).toBeCloseTo(1, 5);
      const tokens = await extract('paris is a city', { pooling: 'none', normalize: false });
      expect(tokens.dims).toEqual([1, 6, 32]);
      const [first, last] = [tokens.data.slice(0, 32), tokens.data.slice(5 * 32)];
      for (const [pooling, expected] of [
        ['cls', first],
        ['first_token', first],
        ['eos', last],
        ['last_token', last],
      ] as const) {
        expect(Array.from((await extract('paris is a city', { pooling, normalize: false })).data), pooling).toEqual(Array.from(expected));
      }
      await expect(extract('a', { pooling: 'max' as 'mean' })).rejects.toThrow(
        "pooling must be one of none, mean, cls, first_token, eos, last_token, got 'max'",
      );
    } finally {
      await extract.dispose();
    }
    await expect(pipeline('feature-extraction', mlmDir, { runtime: 'tfjs', normalize: 1 as never })).rejects.toThrow(
      'normalize must be true or false, got a number (1)',
    );
  });
});

describe('a missing or mistyped model or input', () => {
  it('pipeline(task) with no model says that a model is needed and how to name one', async () => {
    for (const model of [undefined, null, '']) {
      await expect(pipeline('sentiment-analysis', model as never)).rejects.toThrow(PipelineError);
      await expect(pipeline('sentiment-analysis', model as never)).rejects.toThrow(
        /^pipeline\('text-classification'\) needs a model: a folder path \(model.safetensors, .*\), an http\(s\) URL serving those files, a hub id 'owner\/name', or the files' bytes by name; ufbert has no default model$/,
      );
    }
    await expect(pipeline('fill-mask', 42 as never)).rejects.toThrow(
      /^expected the model of pipeline\('fill-mask'\) as a folder path .*, got a number \(42\)$/,
    );
    // A page takes the files' bytes, a hub id or a URL (fetched into the Cache API); anything else is refused before a fetch.
    await expect(webPipeline('fill-mask', 42 as never)).rejects.toThrow(
      /expected the model of pipeline\('fill-mask'\) as the model files' bytes by name .*, got /,
    );
  });

  it('an ArrayBuffer in a bytes map is a ModelLoadError naming the file and what it should be', async () => {
    const weights = await readFile(join(mlmDir, 'model.safetensors'));
    const files = {
      'model.safetensors': weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
      'tokenizer.json': await readFile(join(mlmDir, 'tokenizer.json')),
    };
    await expect(pipeline('fill-mask', files as never, { runtime: 'tfjs' })).rejects.toThrow(ModelLoadError);
    await expect(pipeline('fill-mask', files as never, { runtime: 'tfjs' })).rejects.toThrow(
      'expected the bytes of model.safetensors as a Uint8Array, got an ArrayBuffer (wrap it: new Uint8Array(buffer))',
    );
    await expect(webPipeline('fill-mask', { 'tokenizer.json': 'text' } as never)).rejects.toThrow(
      "expected the bytes of tokenizer.json as a Uint8Array, got 'text'",
    );
  });

  it('null, numbers and objects as texts are PipelineErrors saying what was expected, on every task', async () => {
    const classify = await pipeline('text-classification', clsDir, { runtime: 'tfjs' });
    const extract = await pipeline('feature-extraction', mlmDir, { runtime: 'tfjs' });
    try {
      for (const bad of [null, undefined, 3, { text: 'a' }]) {
        await expect(fill(bad as never)).rejects.toThrow(PipelineError);
        await expect(extract(bad as never)).rejects.toThrow(PipelineError);
        await expect(classify(bad as never)).rejects.toThrow(PipelineError);
      }
      await expect(fill(null as never)).rejects.toThrow('expected a text or an array of texts for fill-mask, got null');
      await expect(extract(['a', 7] as never)).rejects.toThrow('expected feature-extraction inputs as strings, got a number (7) at index 1');
      await expect(classify([null] as never)).rejects.toThrow('expected a text or { text, text_pair } of strings, got null');
      await expect(classify({ text: 'a', pair: 'b' } as never)).rejects.toThrow(
        'expected a text or { text, text_pair } of strings, got an object with keys text, pair',
      );
    } finally {
      await Promise.all([classify.dispose(), extract.dispose()]);
    }
  });
});

describe('names a user gives are looked up among own entries only', () => {
  it.each(INHERITED_NAMES)('%s is an unknown task, pooling, dtype, runtime, device or option', async (name) => {
    await expect(pipeline(name as 'fill-mask', mlmDir)).rejects.toThrow(
      new RegExp(`^unknown task '${name}': expected one of fill-mask, text-classification, feature-extraction, sentiment-analysis$`),
    );
    await expect(fill('a [MASK]', { [name]: 1 } as never)).rejects.toThrow(/unknown option .* in the options of a fill-mask call/);
    await expect(pipeline('fill-mask', mlmDir, JSON.parse(`{"${name}": 1}`))).rejects.toThrow(/unknown option .* in the options of pipeline/);
    await expect(pipeline('fill-mask', mlmDir, { dtype: name as 'q8' })).rejects.toThrow(/^dtype must be one of fp32, q8 \(or auto\)/);
    await expect(pipeline('fill-mask', mlmDir, { runtime: name as 'tfjs' })).rejects.toThrow(/^runtime must be one of onnxruntime, tfjs/);
    await expect(pipeline('fill-mask', mlmDir, { device: name as 'cpu' })).rejects.toThrow(/^device must be one of cpu, wasm, webgpu, auto/);
    const extract = await pipeline('feature-extraction', mlmDir, { runtime: 'tfjs' });
    try {
      await expect(extract('a', { pooling: name as 'mean' })).rejects.toThrow(/^pooling must be one of none, mean/);
    } finally {
      await extract.dispose();
    }
  });
});

describe('every runtime', () => {
  it('refuses ids outside the vocabulary with a TokenBatchError before its runtime sees them', async () => {
    for (const runtime of ['tfjs', 'onnxruntime'] as const) {
      const pipe = await pipeline('feature-extraction', mlmDir, { runtime, ...(runtime === 'onnxruntime' && { threads: 1 }) });
      try {
        const vocab = pipe.model.config.embedding.vocab_size;
        for (const id of [vocab, -1, 2 ** 40]) {
          await expect(pipe.model.hiddenStates({ inputIds: [[2, id]], attentionMask: [[1, 1]] }), runtime).rejects.toThrow(TokenBatchError);
        }
        await expect(pipe.model.maskedLogits({ inputIds: [[2, 3]], attentionMask: [[1, 1]] }, [2]), runtime).rejects.toThrow(/expected positions in \[0, 2\)/);
      } finally {
        await pipe.dispose();
      }
    }
  });

  it('disposes idempotently, and a call after dispose is a typed error', async () => {
    for (const runtime of ['tfjs', 'onnxruntime'] as const) {
      const pipe = await pipeline('fill-mask', mlmDir, { runtime, ...(runtime === 'onnxruntime' && { threads: 1 }) });
      expect(((await pipe('a [MASK]')) as FillMaskCandidate[]).length).toBeGreaterThan(0);
      await pipe.dispose();
      await expect(pipe.dispose(), runtime).resolves.toBeUndefined();
      await expect(pipe('a [MASK]'), runtime).rejects.toThrow(/disposed/);
    }
  });
});
