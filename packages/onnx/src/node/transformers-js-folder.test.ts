import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '@ufbert/tensor';
import { readFolderSnapshot } from '@ufbert/tensor/node';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { loadModelConfig } from '@ufbert/crammed-bert/node';
import { tinyModelFolder, tokenizer } from '../test-utils/tiny-model.js';
import { exportTransformersJsFolder } from './transformers-js-folder.js';
import { OnnxInferenceRuntime } from './onnx-runtime.js';

let work: string;
let checkpoint: string;

beforeAll(async () => {
  await setBackend('cpu');
  work = await mkdtemp(join(tmpdir(), 'ufbert-transformers-js-'));
  checkpoint = await tinyModelFolder(join(work, 'checkpoint'), null, 5);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("transformers.js's fill-mask on our export", () => {
  it('runs the conditional UltraFastBERT unchanged, with the logits our onnxruntime runtime gives', async () => {
    const folder = join(work, 'models', 'ultrafastbert-tiny');
    await exportTransformersJsFolder(checkpoint, folder);
    // The folder holds the reference config too, so our own loader reads it back.
    expect((await loadModelConfig(folder)).config.intermed_type).toBe('fff');
    expect(JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')).model_type).toBe('bert');

    const { pipeline, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = join(work, 'models');
    const fill = await pipeline('fill-mask', 'ultrafastbert-tiny', { dtype: 'fp32' });
    const ours = await OnnxInferenceRuntime.fromCheckpoint(checkpoint, { threads: 1 });
    try {
      for (const text of ['the capital of [MASK] is paris.', 'berlin is a [MASK] city.']) {
        const theirs = (await fill(text, { top_k: 5 })) as Array<{ score: number; token: number }>;
        const batch = tokenizer.encodeBatch([text]);
        const logits = await ours.maskedLogits(batch, [batch.inputIds[0].indexOf(tokenizer.specialTokens.mask!.id)]);
        // The same top five by logit, with softmax scores (@ufbert/pipelines' fill-mask is compared in its own compatibility test).
        const top = Array.from(logits.keys())
          .sort((a, b) => logits[b] - logits[a])
          .slice(0, 5);
        expect(theirs.map((c) => c.token)).toEqual(top);
        const max = Math.max(...logits);
        const sum = logits.reduce((acc, v) => acc + Math.exp(v - max), 0);
        theirs.forEach((c, i) => expect(c.score).toBeCloseTo(Math.exp(logits[top[i]] - max) / sum, 5));
      }
    } finally {
      await ours.dispose();
      await fill.dispose();
    }
  });

  it("runs onnx/model_quantized.onnx for dtype 'q8', with the logits our q8 runtime gives", async () => {
    const folder = join(work, 'models', 'ultrafastbert-tiny-q8');
    await exportTransformersJsFolder(checkpoint, folder);
    const [fp32, q8] = await Promise.all(['model.onnx', 'model_quantized.onnx'].map((file) => readFile(join(folder, 'onnx', file))));
    expect(q8.length).toBeLessThan(fp32.length);

    const { pipeline, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = join(work, 'models');
    const fill = await pipeline('fill-mask', 'ultrafastbert-tiny-q8', { dtype: 'q8' });
    const ours = await OnnxInferenceRuntime.fromCheckpoint(checkpoint, { threads: 1, dtype: 'q8' });
    try {
      for (const text of ['the capital of [MASK] is paris.', 'berlin is a [MASK] city.']) {
        const theirs = (await fill(text, { top_k: 5 })) as Array<{ score: number; token: number }>;
        const batch = tokenizer.encodeBatch([text]);
        const logits = await ours.maskedLogits(batch, [batch.inputIds[0].indexOf(tokenizer.specialTokens.mask!.id)]);
        const top = Array.from(logits.keys())
          .sort((a, b) => logits[b] - logits[a])
          .slice(0, 5);
        expect(theirs.map((c) => c.token)).toEqual(top);
        const max = Math.max(...logits);
        const sum = logits.reduce((acc, v) => acc + Math.exp(v - max), 0);
        theirs.forEach((c, i) => expect(c.score).toBeCloseTo(Math.exp(logits[top[i]] - max) / sum, 4));
      }
    } finally {
      await ours.dispose();
      await fill.dispose();
    }
  });
});

describe('a folder export killed halfway (kill -9)', () => {
  it('leaves the earlier export whole, never its new onnx/model.onnx beside the old config.json, and the next export cleans up', async () => {
    const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
    ensureBuilt(packageRoot);
    const out = join(work, 'killed-folder');
    await exportTransformersJsFolder(checkpoint, out, { fffDenseLevels: 1 });
    const before = await snapshotOf(out);
    // The second export dies (SIGKILL) at each rename into the folder's place: first the old folder's move aside, then the new one's move in.
    for (const at of [1, 2]) {
      const script = `
        import fs from 'node:fs';
        import { syncBuiltinESMExports } from 'node:module';
        const { exportTransformersJsFolder } = await import('@ufbert/onnx/node');
        const [checkpoint, out, at] = process.argv.slice(1);
        const rename = fs.renameSync;
        let seen = 0;
        fs.renameSync = (from, to) => ((from === out || to === out) && ++seen === Number(at) ? process.kill(process.pid, 'SIGKILL') : rename(from, to));
        syncBuiltinESMExports();
        await exportTransformersJsFolder(checkpoint, out, { fffDenseLevels: 2 });
      `;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, checkpoint, out, String(at)], {
        cwd: packageRoot,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      // Read as a loader reads it: the same files, byte for byte, checked against the manifest (the old folder put back if it was moved aside).
      expect(await snapshotOf(out)).toEqual(before);
    }
    await exportTransformersJsFolder(checkpoint, out, { fffDenseLevels: 2 });
    expect(await snapshotOf(out)).not.toEqual(before);
    expect((await readdir(work)).filter((name) => name.startsWith('.killed-folder.'))).toEqual([]);
  }, 300_000);
});

/** Every file of an exported folder, read as one snapshot checked against its manifest. */
async function snapshotOf(folder: string): Promise<Record<string, string>> {
  const names = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];
  const { files } = await readFolderSnapshot(folder, names, { maxBytes: 1 << 30, optional: names });
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, createHash('sha256').update(bytes).digest('hex')]));
}
