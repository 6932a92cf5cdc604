import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { ModelLoadError } from './errors.js';
import { loadModelSource } from './load-model.js';
import { writeTinyModels } from './test-utils/tiny-models.js';
import { loadWebModel } from './web-model.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-model-loader-'));
let mlmDir: string;
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir } = await writeTinyModels(work));
});

describe('one loader, two edges', () => {
  it("refuses the other runtime's options in the same words on the Node edge and the web edge, before reading a file", async () => {
    const nowhere = join(work, 'no-such-folder');
    // threads belong to both runtimes (onnxruntime's intra-op threads, or the tfjs FFF kernel's own).
    await expect(loadModelSource(nowhere, { runtime: 'tfjs', parallelism: 'sequences' })).rejects.toThrow(
      new ModelLoadError('parallelism applies to the onnxruntime runtime, not tfjs'),
    );
    await expect(loadModelSource(nowhere, { runtime: 'tfjs', threads: 2, parallelism: 'sequences', fffDenseLevels: 1 })).rejects.toThrow(
      new ModelLoadError('parallelism and fffDenseLevels apply to the onnxruntime runtime, not tfjs'),
    );
    await expect(loadModelSource(nowhere, { kernel: { backend: 'ts' } })).rejects.toThrow(
      new ModelLoadError('kernel applies to the tfjs runtime, not onnxruntime'),
    );
    await expect(loadWebModel(new Map(), { runtime: 'tfjs', executionProviders: ['wasm'] })).rejects.toThrow(
      new ModelLoadError('executionProviders applies to the onnxruntime runtime, not tfjs'),
    );
    await expect(loadWebModel(new Map(), { kernel: { backend: 'ts' } })).rejects.toThrow(
      new ModelLoadError('kernel applies to the tfjs runtime, not onnxruntime'),
    );
  });

  it("reads a folder, its bytes and a page's bytes into the same parts", async () => {
    const { readFile } = await import('node:fs/promises');
    const files = new Map<string, Uint8Array>();
    for (const name of ['model.safetensors', 'model_config.json', 'tokenizer.json']) files.set(name, new Uint8Array(await readFile(join(mlmDir, name))));
    const fromFolder = await loadModelSource(mlmDir, { runtime: 'tfjs' });
    const fromBytes = await loadModelSource(files, { runtime: 'tfjs' });
    const fromPage = await loadWebModel(files, { runtime: 'tfjs', device: 'cpu' });
    try {
      const batch = fromFolder.tokenizer.encodeBatch(['the capital of france is paris.']);
      const expected = await fromFolder.runtime.hiddenStates(batch);
      expect(await fromBytes.runtime.hiddenStates(batch)).toEqual(expected);
      expect(await fromPage.runtime.hiddenStates(batch)).toEqual(expected);
      expect(fromPage.tokenizer.json).toEqual(fromFolder.tokenizer.json);
    } finally {
      await Promise.all([fromFolder, fromBytes, fromPage].map((loaded) => loaded.runtime.dispose()));
    }
  });
});
