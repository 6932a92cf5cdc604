import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { FileLayerError } from '@ufbert/tensor/node';
import { TokenizerError } from '../errors.js';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../model-folder/file-names.js';
import { CrammedBertModel } from '../model.js';
import { CORPUS } from '../test-utils/corpus.js';
import { tinyConfig } from '../test-utils/tiny.js';
import { trainWordPiece } from '../tokenizer/wordpiece-trainer.js';
import { loadModel, loadModelConfig } from './load-model.js';
import { readModelFolderSnapshot } from './model-folder-snapshot.js';
import { saveModel } from './save-model.js';
import { loadTokenizer, saveTokenizer } from './tokenizer-files.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-special-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await setBackend('cpu');
});

const tokenizer = trainWordPiece(CORPUS, { vocabSize: 200, minFrequency: 1 });

/** A model folder (config and tokenizer beside) whose `name` is a FIFO, or a symbolic link to /dev/zero. */
let folders = 0;
function folderWith(name: string, target: 'fifo' | '/dev/zero'): string {
  const dir = join(work, `${name}-${target.replace(/\W/g, '')}-${folders++}`);
  mkdirSync(dir);
  if (name !== CONFIG_FILE) writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(tinyConfig('fff')));
  if (name !== TOKENIZER_FILE) writeFileSync(join(dir, TOKENIZER_FILE), tokenizer.toJSONText());
  if (target === 'fifo') expect(spawnSync('mkfifo', [join(dir, name)]).status).toBe(0);
  else symlinkSync(target, join(dir, name));
  return dir;
}

/** Resolves to the error `promise` rejects with, and how long that took. */
async function failure(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

const EVERY_FILE = [MODEL_FILE, CONFIG_FILE, HF_CONFIG_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE];

describe('model folders holding special files fail at once, typed', () => {
  for (const name of EVERY_FILE) {
    it(`a FIFO as ${name}: a FileLayerError naming it within a second, nothing read from it`, async () => {
      const dir = folderWith(name, 'fifo');
      const { error, ms } = await failure(readModelFolderSnapshot(dir, EVERY_FILE));
      expect(error).toBeInstanceOf(FileLayerError);
      expect((error as FileLayerError).reason).toBe('not-regular');
      expect((error as Error).message).toBe(`${join(dir, name)}: is a FIFO, expected a regular file of the model folder`);
      expect(ms).toBeLessThan(1000);
    });
  }

  it('a FIFO as model.safetensors or model_config.json stops loadModel and loadModelConfig within a second', async () => {
    for (const promise of [loadModel(folderWith(MODEL_FILE, 'fifo')), loadModelConfig(folderWith(CONFIG_FILE, 'fifo'))]) {
      const { error, ms } = await failure(promise);
      expect(error).toBeInstanceOf(FileLayerError);
      expect(ms).toBeLessThan(1000);
    }
  });

  it('a link to /dev/zero as model.safetensors or tokenizer.json is refused, not read', async () => {
    for (const name of [MODEL_FILE, TOKENIZER_FILE]) {
      const dir = folderWith(name, '/dev/zero');
      const { error, ms } = await failure(readModelFolderSnapshot(dir, EVERY_FILE));
      expect((error as Error).message).toBe(`${join(dir, name)}: is a character device, expected a regular file of the model folder`);
      expect(ms).toBeLessThan(1000);
    }
    const { error } = await failure(loadTokenizer(folderWith(TOKENIZER_FILE, '/dev/zero')));
    expect(error).toBeInstanceOf(TokenizerError);
  });
});

describe('writes onto special places end at once, typed', () => {
  it("saveModel('/proc/x') is refused before any mkdir", async () => {
    const model = CrammedBertModel.create(tinyConfig('ff'), { seed: 1 });
    const { error, ms } = await failure(saveModel(model, '/proc/ufbert-model'));
    model.dispose();
    expect(error).toBeInstanceOf(FileLayerError);
    expect((error as FileLayerError).reason).toBe('special-filesystem');
    expect(ms).toBeLessThan(1000);
  });

  it('saveTokenizer onto a FIFO is a TokenizerError; the FIFO is left as it was', async () => {
    const fifo = join(work, 'tokenizer.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const { error, ms } = await failure(saveTokenizer(tokenizer, fifo));
    expect(error).toBeInstanceOf(TokenizerError);
    expect((error as Error).message).toBe(`${fifo}: is a FIFO, socket or device, expected a regular tokenizer JSON file (or nothing) there`);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(ms).toBeLessThan(1000);
  });

  it('saveModel onto a folder of another kind is refused unless overwrite, which moves it aside', async () => {
    const dir = join(work, 'kinds');
    const classifier = CrammedBertModel.create(tinyConfig('ff', 2), { seed: 1 });
    const mlm = CrammedBertModel.create(tinyConfig('ff'), { seed: 2 });
    await saveModel(classifier, dir, { labels: ['no', 'yes'] });
    const { error } = await failure(saveModel(mlm, dir));
    expect(error).toBeInstanceOf(FileLayerError);
    expect((error as FileLayerError).reason).toBe('exists');
    expect(JSON.parse(readFileSync(join(dir, HF_CONFIG_FILE), 'utf8')).id2label).toEqual({ 0: 'no', 1: 'yes' });
    await saveModel(mlm, dir, { overwrite: true });
    expect((await loadModelConfig(dir)).config.num_labels).toBeNull();
    classifier.dispose();
    mlm.dispose();
  });
});
