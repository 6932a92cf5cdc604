import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { ConfigError, ModelFolderError } from '../errors.js';
import { loadCheckpoint } from '../load-checkpoint.js';
import { CrammedBertModel } from '../model.js';
import { CORPUS } from '../test-utils/corpus.js';
import { tinyConfig } from '../test-utils/tiny.js';
import { trainWordPiece } from '../tokenizer/wordpiece-trainer.js';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE } from './file-names.js';
import { labelEntries, labelNames, readLabels } from './labels.js';
import { modelFolderFiles } from './model-folder-files.js';
import { readModelConfig, readModelFolder, type ReadModelFile } from './read-model-folder.js';

beforeAll(async () => {
  await setBackend('cpu');
});

const encoder = new TextEncoder();
const tokenizer = trainWordPiece(CORPUS, { vocabSize: 200, minFrequency: 1 });

/** A folder in memory: what the Node edge's snapshot and a page's file map both hand the reader. */
function readerOf(files: Record<string, Uint8Array | string>): ReadModelFile {
  return async (name) => {
    if (!Object.hasOwn(files, name)) return undefined;
    const contents = files[name];
    return typeof contents === 'string' ? encoder.encode(contents) : contents;
  };
}

describe('the model folder, written and read by its one writer and reader', () => {
  it('reads back the files modelFolderFiles writes: config, weights, tokenizer and labels', async () => {
    const model = CrammedBertModel.create(tinyConfig('fff', 2), { seed: 4 });
    const files = await modelFolderFiles(model, { tokenizer, labels: ['negative', 'positive'], huggingFaceConfig: { task: 'sst2' } });
    expect(Object.keys(files).sort()).toEqual([HF_CONFIG_FILE, CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE].sort());
    expect(JSON.parse(files[HF_CONFIG_FILE] as string)).toEqual({
      id2label: { 0: 'negative', 1: 'positive' },
      label2id: { negative: 0, positive: 1 },
      task: 'sst2',
    });
    const parts = await readModelFolder(readerOf(files), 'memory');
    expect(parts.config).toEqual(model.config);
    expect(parts.labels).toEqual(['negative', 'positive']);
    expect(parts.tokenizer.json).toEqual(tokenizer.json);
    const loaded = await loadCheckpoint(parts.weights, parts.config);
    expect(await loaded.stateDict()).toEqual(await model.stateDict());
    loaded.dispose();
    model.dispose();
  });

  it('prefers model_config.json, reads the arch config inside config.json without it, and labels from either', async () => {
    const config = tinyConfig('ff', 3);
    const hf = JSON.stringify({ arch: config, id2label: { 0: 'a', 1: 'b', 2: 'c' } });
    expect(await readModelConfig(readerOf({ [HF_CONFIG_FILE]: hf }), 'hf')).toEqual({ config, labels: ['a', 'b', 'c'] });
    const ours = JSON.stringify({ ...config, id2label: { 0: 'x', 1: 'y', 2: 'z' } });
    expect((await readModelConfig(readerOf({ [CONFIG_FILE]: ours }), 'ours')).labels).toEqual(['x', 'y', 'z']);
    // config.json's labels win over model_config.json's, its arch does not.
    const both = await readModelConfig(
      readerOf({
        [CONFIG_FILE]: JSON.stringify(config),
        [HF_CONFIG_FILE]: JSON.stringify({ arch: { ...config, num_labels: 1 }, id2label: { 0: 'p', 1: 'q', 2: 'r' } }),
      }),
      'both',
    );
    expect(both).toEqual({ config, labels: ['p', 'q', 'r'] });
  });

  it('names the folder and the file in every error', async () => {
    await expect(readModelConfig(readerOf({}), 'dir')).rejects.toThrow(new ModelFolderError('expected model_config.json or config.json in dir, found neither'));
    await expect(readModelConfig(readerOf({ [CONFIG_FILE]: '{ no' }), 'dir')).rejects.toThrow(/^expected model_config\.json in dir to be UTF-8 JSON: /);
    await expect(readModelConfig(readerOf({ [CONFIG_FILE]: '[1]' }), 'dir')).rejects.toThrow(
      new ModelFolderError('expected model_config.json in dir to hold a JSON object, got an array'),
    );
    await expect(readModelConfig(readerOf({ [CONFIG_FILE]: '{"hidden_size": -1}' }), 'dir')).rejects.toThrow(ConfigError);
    await expect(readModelConfig(readerOf({ [CONFIG_FILE]: '{"hidden_size": -1}' }), 'dir')).rejects.toThrow(/^dir\/model_config\.json: /);
    const config = JSON.stringify(tinyConfig('ff'));
    await expect(readModelFolder(readerOf({ [CONFIG_FILE]: config }), 'dir')).rejects.toThrow(
      new ModelFolderError('expected tokenizer.json in dir, found none'),
    );
    await expect(readModelFolder(readerOf({ [CONFIG_FILE]: config, [TOKENIZER_FILE]: tokenizer.toJSONText() }), 'dir')).rejects.toThrow(
      new ModelFolderError('expected model.safetensors in dir, found none'),
    );
  });
});

describe('labels', () => {
  it('reads id2label by index and writes id2label with label2id', () => {
    expect(readLabels({ id2label: { 1: 'b', 0: 'a' } }, 'c.json')).toEqual(['a', 'b']);
    expect(readLabels({}, 'c.json')).toBeUndefined();
    expect(labelEntries(['a', 'b'])).toEqual({ id2label: { 0: 'a', 1: 'b' }, label2id: { a: 0, b: 1 } });
    expect(labelNames(2)).toEqual(['LABEL_0', 'LABEL_1']);
    expect(labelNames(2, ['x'])).toEqual(['LABEL_0', 'LABEL_1']);
  });

  it('refuses id2label that does not map 0..n-1 to strings, naming the file', () => {
    expect(() => readLabels({ id2label: ['a'] }, 'c.json')).toThrow(
      new ModelFolderError('expected id2label in c.json to be an object of index -> label, got ["a"]'),
    );
    expect(() => readLabels({ id2label: { 0: 'a', 2: 'c' } }, 'c.json')).toThrow(
      new ModelFolderError('expected id2label in c.json to map the indices 0..1 to strings, got "2": "c"'),
    );
    expect(() => readLabels({ id2label: { '-0': 'a' } }, 'c.json')).toThrow(ModelFolderError);
    expect(() => readLabels({ id2label: { 0: 7 } }, 'c.json')).toThrow(ModelFolderError);
  });

  it('looks up own properties only', () => {
    expect(readLabels(Object.create({ id2label: { 0: 'inherited' } }) as Record<string, unknown>, 'c.json')).toBeUndefined();
  });
});
