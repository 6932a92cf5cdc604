import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { ModelFolderError, loadCheckpoint } from '@ufbert/crammed-bert';
import { pipeline } from './pipeline.js';
import { fffRoutes } from './routes.js';
import { ModelLoadError, PipelineError } from './errors.js';
import { fffRoutesOfModel, loadWebModel, modelFiles, webPipeline } from './web.js';
import { writeTinyModels } from './test-utils/tiny-models.js';
import type { FillMaskCandidate } from './tasks/fill-mask.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-web-pipeline-'));
let mlmDir: string;
let clsDir: string;

async function bytesOf(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(dir)) if (name.endsWith('.json') || name.endsWith('.safetensors')) files.set(name, await readFile(join(dir, name)));
  return files;
}

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir, clsDir } = await writeTinyModels(work));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('@ufbert/pipelines/web', () => {
  it("fill-mask over the files' bytes on tfjs gives what pipeline() gives for the folder", async () => {
    const text = 'the capital of france is [MASK].';
    const fromFolder = await pipeline('fill-mask', mlmDir, { runtime: 'tfjs', device: 'cpu' });
    const fromBytes = await webPipeline('fill-mask', await bytesOf(mlmDir), { runtime: 'tfjs', device: 'cpu' });
    try {
      expect(fromBytes.model.description).toBe(fromFolder.model.description);
      expect(await fromBytes(text, { top_k: 4 })).toEqual(await fromFolder(text, { top_k: 4 }));
    } finally {
      await fromFolder.dispose();
      await fromBytes.dispose();
    }
  });

  it('gives each pipeline its own threads: two tfjs pipelines on the wasm kernel, 1 and 2 threads, side by side', async () => {
    const text = 'the capital of france is [MASK].';
    const options = { runtime: 'tfjs', device: 'cpu', kernel: { backend: 'wasm' } } as const;
    const one = await pipeline('fill-mask', mlmDir, { ...options, threads: 1 });
    const two = await webPipeline('fill-mask', await bytesOf(mlmDir), { ...options, threads: 2 });
    try {
      expect(one.model.description).toMatch(/ConditionalMatmul\/wasm\/fused, 1 thread\)$/);
      expect(two.model.description).toMatch(/ConditionalMatmul\/wasm\/fused, 2 threads\)$/);
      expect(await two(text, { top_k: 4 })).toEqual(await one(text, { top_k: 4 }));
    } finally {
      await Promise.all([one.dispose(), two.dispose()]);
    }
  });

  it('runs the exported graph in onnxruntime-web (wasm), q8 by default as transformers.js in a browser, with the candidates of onnxruntime-node', async () => {
    const text = 'rome is the capital of [MASK].';
    const node = await pipeline('fill-mask', mlmDir, { threads: 1, dtype: 'q8' });
    const web = await webPipeline('fill-mask', await bytesOf(mlmDir), { executionProviders: ['wasm'] });
    try {
      expect(web.model.description).toMatch(/^onnxruntime-web \[wasm\]/);
      expect([web.dtype, node.dtype]).toEqual(['q8', 'q8']);
      const expected = (await node(text, { top_k: 3 })) as FillMaskCandidate[];
      const actual = (await web(text, { top_k: 3 })) as FillMaskCandidate[];
      expect(actual.map((c) => c.token)).toEqual(expected.map((c) => c.token));
      actual.forEach((c, i) => expect(c.score).toBeCloseTo(expected[i].score, 5));
    } finally {
      await node.dispose();
      await web.dispose();
    }
  });

  it('runs fp32 on onnxruntime-web when asked, fp32 on tfjs by default, and refuses q8 on tfjs naming it', async () => {
    const files = await bytesOf(mlmDir);
    const web = await webPipeline('fill-mask', files, { executionProviders: ['wasm'], dtype: 'fp32' });
    const tfjs = await webPipeline('fill-mask', files, { runtime: 'tfjs', device: 'cpu' });
    try {
      expect([web.dtype, tfjs.dtype]).toEqual(['fp32', 'fp32']);
      const text = 'the capital of france is [MASK].';
      const [a, b] = [(await web(text, { top_k: 3 })) as FillMaskCandidate[], (await tfjs(text, { top_k: 3 })) as FillMaskCandidate[]];
      expect(a.map((c) => c.token)).toEqual(b.map((c) => c.token));
      a.forEach((c, i) => expect(c.score).toBeCloseTo(b[i].score, 5));
    } finally {
      await Promise.all([web.dispose(), tfjs.dispose()]);
    }
    await expect(webPipeline('fill-mask', files, { runtime: 'tfjs', device: 'cpu', dtype: 'q8' })).rejects.toThrow(
      new PipelineError("dtype 'q8' runs on onnxruntime (the int8 export); the tfjs runtime runs fp32 weights only: use runtime 'onnxruntime' or dtype 'fp32'"),
    );
    await expect(loadWebModel(files, { dtype: 'toString' as 'q8' })).rejects.toThrow("dtype must be one of fp32, q8 (or auto), got 'toString'");
  });

  it('classifies with the label names of config.json', async () => {
    const classify = await webPipeline('text-classification', await bytesOf(clsDir), { runtime: 'tfjs', device: 'cpu' });
    try {
      const [best] = (await classify('a fine city')) as Array<{ label: string; score: number }>;
      expect(['negative', 'neutral', 'positive']).toContain(best.label);
    } finally {
      await classify.dispose();
    }
  });

  it('fffRoutesOfModel gives, for a model loaded from bytes, what fffRoutes gives for its folder', async () => {
    const text = 'the capital of france';
    const { config, weights, tokenizer } = await modelFiles(await bytesOf(mlmDir));
    const model = await loadCheckpoint(weights, config);
    try {
      expect(await fffRoutesOfModel(model, tokenizer, text)).toEqual(await fffRoutes(mlmDir, text));
    } finally {
      model.dispose();
    }
  });

  it('refuses a missing weights file, an unknown task or runtime, and options of the other runtime', async () => {
    const files = await bytesOf(mlmDir);
    files.delete('model.safetensors');
    await expect(loadWebModel(files, { runtime: 'tfjs' })).rejects.toThrow(new ModelFolderError('expected model.safetensors in the model bytes, found none'));
    const all = await bytesOf(mlmDir);
    await expect(webPipeline('summarization' as 'fill-mask', all)).rejects.toThrow(PipelineError);
    await expect(loadWebModel(all, { runtime: 'onnxruntime-web' as 'tfjs' })).rejects.toThrow(
      "runtime must be one of onnxruntime, tfjs, got 'onnxruntime-web'",
    );
    await expect(loadWebModel(all, { runtime: 'tfjs', wasmPaths: '/ort/' })).rejects.toThrow(
      new ModelLoadError('wasmPaths applies to the onnxruntime runtime, not tfjs'),
    );
    await expect(loadWebModel(all, { device: 'wasm' })).rejects.toThrow(new ModelLoadError('device applies to the tfjs runtime, not onnxruntime'));
    await expect(loadWebModel(all, { device: 'wasm', kernel: { backend: 'ts' } })).rejects.toThrow(
      new ModelLoadError('kernel and device apply to the tfjs runtime, not onnxruntime'),
    );
  });
});
