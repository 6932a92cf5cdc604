import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cp, lstat, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend, tf } from '@ufbert/tensor';
import { FileLayerError } from '@ufbert/tensor/node';
import { ONNX_CACHE_DIR, TfjsRuntime, TokenBatchError } from '@ufbert/crammed-bert';
import { loadModel, loadTokenizer, saveModel } from '@ufbert/crammed-bert/node';
import { tinyModelFolder } from '../test-utils/tiny-model.js';
import { OnnxInferenceRuntime } from './onnx-runtime.js';

let work: string;
let mlmDir: string;
let clsDir: string;

beforeAll(async () => {
  await setBackend('cpu');
  work = await mkdtemp(join(tmpdir(), 'ufbert-onnx-runtime-'));
  mlmDir = await tinyModelFolder(join(work, 'mlm'), null);
  clsDir = await tinyModelFolder(join(work, 'cls'), 3);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** tfjs and onnxruntime runtimes of one checkpoint folder, and its tokenizer. */
async function both(dir: string) {
  const tokenizer = await loadTokenizer(dir);
  const tfjs = new TfjsRuntime(await loadModel(dir));
  const onnx = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 });
  return { tokenizer, tfjs, onnx };
}

function expectClose(actual: Float32Array, expected: Float32Array, digits: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe('the onnxruntime runtime', () => {
  it('gives the masked logits and hidden states tfjs gives, padding included', async () => {
    const { tokenizer, tfjs, onnx } = await both(mlmDir);
    try {
      const batch = tokenizer.encodeBatch(['the capital of [MASK] is paris.', 'rome is a [MASK] city in [MASK].']);
      const width = batch.inputIds[0].length;
      const mask = tokenizer.specialTokens.mask!.id;
      const positions = batch.inputIds.flatMap((ids, b) => ids.flatMap((id, s) => (id === mask ? [b * width + s] : [])));
      expect(positions).toHaveLength(3);
      expectClose(await onnx.maskedLogits(batch, positions), await tfjs.maskedLogits(batch, positions), 4);
      expectClose(await onnx.hiddenStates(batch), await tfjs.hiddenStates(batch), 4);
      expect(onnx.description).toMatch(/^onnxruntime-node \(1 thread/);
    } finally {
      tfjs.dispose();
      await onnx.dispose();
    }
  });

  it('classifies texts and pairs as tfjs does, and has no MLM decoder for a classifier', async () => {
    const { tokenizer, tfjs, onnx } = await both(clsDir);
    try {
      const batch = tokenizer.encodeBatch(['paris is a city', ['rome is old', 'berlin is large']]);
      expectClose(await onnx.classificationLogits(batch), await tfjs.classificationLogits(batch), 4);
      await expect(onnx.maskedLogits(batch, [1])).rejects.toThrow(/this model is a classifier/);
    } finally {
      tfjs.dispose();
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
    expect(
      createHash('sha256')
        .update(await readFile(first.source))
        .digest('hex'),
    ).toBe(digest);

    const copy = join(work, 'mlm-retrained');
    await cp(mlmDir, copy, { recursive: true });
    await rm(join(copy, ONNX_CACHE_DIR), { recursive: true });
    const model = await loadModel(copy);
    model.parameter('encoder.layers.0.ffn.linear_in.bias').assign(tf.onesLike(model.parameter('encoder.layers.0.ffn.linear_in.bias')));
    await saveModel(model, copy);
    model.dispose();
    const [original, changed] = [
      await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 }),
      await OnnxInferenceRuntime.fromCheckpoint(copy, { threads: 1 }),
    ];
    expect(changed.source.split('/').pop()).not.toBe(original.source.split('/').pop());
    await Promise.all([original.dispose(), changed.dispose()]);
  });

  it('refuses ids outside the vocabulary or the window, and mask values other than 0 and 1', async () => {
    const runtime = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1 });
    try {
      await expect(runtime.hiddenStates({ inputIds: [[2, -1, 3]], attentionMask: [[1, 1, 1]] })).rejects.toThrow(
        /expected token ids in \[0, \d+\) \(the model's vocab_size\), got -1/,
      );
      const vocab = runtime.config.embedding.vocab_size;
      await expect(runtime.hiddenStates({ inputIds: [[2, vocab]], attentionMask: [[1, 1]] })).rejects.toThrow(TokenBatchError);
      await expect(runtime.hiddenStates({ inputIds: [[2, 3]], attentionMask: [[1, 2]] })).rejects.toThrow(/attention-mask values 0 or 1, got 2/);
      await expect(runtime.hiddenStates({ inputIds: [[2, 1.5]], attentionMask: [[1, 1]] })).rejects.toThrow(
        /expected token ids in \[0, \d+\) \(the model's vocab_size\), got 1.5/,
      );
      await expect(runtime.hiddenStates({ inputIds: [new Array(33).fill(2)], attentionMask: [new Array(33).fill(1)] })).rejects.toThrow(
        /exceeds the model's max_seq_length 32/,
      );
      await expect(runtime.session.runTensors(new BigInt64Array(0), new BigInt64Array(0), [0, 5])).rejects.toThrow(/positive integers, got \[0, 5\]/);
    } finally {
      await runtime.dispose();
    }
    // A second dispose does nothing (onnxruntime throws on a second release); a run after it is a typed error.
    await expect(runtime.dispose()).resolves.toBeUndefined();
    await expect(runtime.hiddenStates({ inputIds: [[2]], attentionMask: [[1]] })).rejects.toThrow(/runtime was disposed/);
  });

  it('refuses bad session options before it reads the cache or exports', async () => {
    const started = Date.now();
    for (const [options, message] of [
      [{ threads: 0 }, /threads must be an integer in \[1, 1024\], got 0/],
      [{ threads: 65, parallelism: 'sequences' }, /threads must be an integer in \[1, 64\] \(one worker each\), got 65/],
      [{ parallelism: 'batches' }, /expected parallelism 'intra-op' or 'sequences', got batches/],
      [{ graphOptimization: 'max' }, /expected graphOptimization one of disabled, basic, extended, all, got max/],
    ] as const) {
      await expect(OnnxInferenceRuntime.fromCheckpoint(join(work, 'no-such-folder'), options as never)).rejects.toThrow(message);
    }
    // No folder was read, nothing exported: each refusal is immediate.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('exports in memory when asked not to cache', async () => {
    const runtime = await OnnxInferenceRuntime.fromCheckpoint(mlmDir, { threads: 1, fffDenseLevels: 2, cache: false });
    expect(runtime.source).toBe('memory');
    expect((await readdir(join(mlmDir, ONNX_CACHE_DIR))).filter((n) => n.endsWith('.onnx'))).toHaveLength(2);
    await runtime.dispose();
  });

  it('replaces a relative symbolic link at a cached export or its digest, never writing through it (target and mode untouched)', async () => {
    const dir = join(work, 'linked');
    await cp(mlmDir, dir, { recursive: true });
    const first = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 });
    await first.dispose();
    // Victims outside the model folder, as a cloned repository or an unpacked tarball may point at.
    const victims = { onnx: join(work, 'victim.onnx'), digest: join(work, 'victim.sha256') };
    for (const [file, link] of [
      [victims.onnx, first.source],
      [victims.digest, `${first.source}.sha256`],
    ]) {
      await writeFile(file, 'not yours', { mode: 0o600 });
      await rm(link);
      await symlink(join('..', '..', file.split('/').pop()!), link);
    }
    const warnings: string[] = [];
    const again = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1, warn: (message) => warnings.push(message) });
    await again.dispose();
    expect(again.source).toBe(first.source);
    for (const file of Object.values(victims)) {
      expect(await readFile(file, 'utf8')).toBe('not yours');
      expect((await lstat(file)).mode & 0o777).toBe(0o600);
    }
    expect((await lstat(first.source)).isFile()).toBe(true);
    expect((await lstat(`${first.source}.sha256`)).isFile()).toBe(true);
    expect(warnings).toEqual(
      [first.source, `${first.source}.sha256`].map((path) => `${path} was a symbolic link; replaced by the cached export, its target left untouched`),
    );
  });

  it('stops at once with a typed error on a FIFO where the cached export is', async () => {
    const dir = join(work, 'fifo-cache');
    await cp(mlmDir, dir, { recursive: true });
    const first = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 });
    await first.dispose();
    await rm(first.source);
    execFileSync('mkfifo', [first.source]);
    const started = performance.now();
    await expect(OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 })).rejects.toThrow(
      new FileLayerError(first.source, 'not-regular', `${first.source}: is a FIFO, expected a regular cached ONNX export`),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops at once with a typed error on a FIFO as model.safetensors, before hashing or exporting anything', async () => {
    const dir = join(work, 'fifo-weights');
    await cp(mlmDir, dir, { recursive: true });
    await rm(join(dir, 'model.safetensors'));
    execFileSync('mkfifo', [join(dir, 'model.safetensors')]);
    const started = performance.now();
    await expect(OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 })).rejects.toThrow(
      new FileLayerError(
        join(dir, 'model.safetensors'),
        'not-regular',
        `${join(dir, 'model.safetensors')}: is a FIFO, expected a regular file of the model folder`,
      ),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
