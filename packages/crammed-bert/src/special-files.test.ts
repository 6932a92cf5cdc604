import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsError, setBackend } from '@ufbert/tensor';
import { CONFIG_FILE, loadConfig, loadModel, MODEL_FILE } from './checkpoint.js';
import { ConfigError, TokenizerError } from './errors.js';
import { TextTokenizer, TOKENIZER_FILE } from './tokenizer/tokenizer.js';
import { tinyConfig } from './test-utils/tiny.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-special-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await setBackend('cpu');
});

/** A model folder whose `name` is `target`: a symbolic link to a device, or a FIFO. */
function folderWith(name: string, target: '/dev/zero' | 'fifo'): string {
  const dir = join(work, `${name}-${target.replace(/\W/g, '')}`);
  mkdirSync(dir);
  if (name !== CONFIG_FILE) writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(tinyConfig('fff')));
  if (target === 'fifo') expect(spawnSync('mkfifo', [join(dir, name)]).status).toBe(0);
  else symlinkSync(target, join(dir, name));
  return dir;
}

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

describe('model folders holding special files fail at once, typed', () => {
  it.skipIf(!hasMkfifo)('a FIFO as model.safetensors', async () => {
    const started = performance.now();
    await expect(loadModel(folderWith(MODEL_FILE, 'fifo'))).rejects.toThrow(SafetensorsError);
    await expect(loadModel(folderWith(MODEL_FILE, '/dev/zero'))).rejects.toThrow(/model\.safetensors: is a character device, expected a regular safetensors file/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('/dev/zero as tokenizer.json or model_config.json, without reading it', async () => {
    const started = performance.now();
    await expect(TextTokenizer.load(folderWith(TOKENIZER_FILE, '/dev/zero'))).rejects.toThrow(new TokenizerError(`${join(work, 'tokenizer.json-devzero', TOKENIZER_FILE)}: is a character device, expected a regular tokenizer JSON file`));
    const config = loadConfig(folderWith(CONFIG_FILE, '/dev/zero'));
    await expect(config).rejects.toThrow(ConfigError);
    await expect(config).rejects.toThrow(/is a character device, expected a regular model config file/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
