import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { HF_CONFIG_FILE, MANIFEST_FILE, TOKENIZER_FILE } from '@ufbert/crammed-bert';
import { OnnxInferenceRuntime } from '@ufbert/onnx/node';
import { FOLDER_MANIFEST_FILE as LAYER_MANIFEST_FILE } from '@ufbert/tensor/node';
import { writeTinyModels } from './test-utils/tiny-models.js';

// The CLI as a user runs it (built dist/cli.js), on model folders holding what a cloned
// repository or an unpacked tarball may hold: links out of the folder, FIFOs.
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'ufbert-guarded-'));
let mlmDir: string;
let clsDir: string;

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir, clsDir } = await writeTinyModels(work));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('model folders through the CLI', () => {
  it('the manifest has one name, in the folder table and in the file layer', () => {
    expect(MANIFEST_FILE).toBe(LAYER_MANIFEST_FILE);
  });

  it('ufbert fill-mask --model DIR does not write through a relative link at onnx-cache/model-<key>.onnx or its .sha256', async () => {
    const dir = join(work, 'linked');
    cpSync(mlmDir, dir, { recursive: true });
    // The cache file the CLI's options name (fp32, default dense levels), made once in-process to learn its key.
    const first = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: 1 });
    await first.dispose();
    const victims = [join(work, 'victim.onnx'), join(work, 'victim.sha256')];
    [first.source, `${first.source}.sha256`].forEach((link, i) => {
      writeFileSync(victims[i], 'not yours', { mode: 0o600 });
      rmSync(link);
      symlinkSync(join('..', '..', victims[i].split('/').pop()!), link);
    });
    const filled = run('fill-mask', '--model', dir, '--threads', '1', '--json', 'the capital of [MASK] is paris.');
    expect(filled.status, filled.stderr).toBe(0);
    expect(filled.stderr).toContain(`${first.source} was a symbolic link; replaced by the cached export, its target left untouched`);
    for (const victim of victims) {
      expect(readFileSync(victim, 'utf8')).toBe('not yours');
      expect(lstatSync(victim).mode & 0o777).toBe(0o600);
    }
    expect(lstatSync(first.source).isFile()).toBe(true);
  });

  it('ufbert fill-mask --model DIR with a FIFO as tokenizer.json ends at once with the typed error', () => {
    const dir = join(work, 'fifo');
    cpSync(mlmDir, dir, { recursive: true });
    rmSync(join(dir, TOKENIZER_FILE));
    execFileSync('mkfifo', [join(dir, TOKENIZER_FILE)]);
    const filled = run('fill-mask', '--model', dir, '--threads', '1', 'the capital of [MASK] is paris.');
    expect(filled.status).toBe(1);
    expect(filled.stderr).toContain(`ufbert: FileLayerError: ${join(dir, TOKENIZER_FILE)}: is a FIFO, expected a regular file of the model folder`);
  });

  it('ufbert export --out DIR onto a classifier folder is refused unless --overwrite, which moves the classifier aside', () => {
    const target = join(work, 'exports', 'classifier');
    cpSync(clsDir, target, { recursive: true });
    const refused = run('export', '--format', 'onnx', '--model', mlmDir, '--out', target);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `ufbert: FileLayerError: ${target}: holds a folder of kind 'ufbert-classifier', expected nothing or a 'transformers-js' folder`,
    );
    expect(JSON.parse(readFileSync(join(target, HF_CONFIG_FILE), 'utf8')).id2label).toEqual({ 0: 'negative', 1: 'neutral', 2: 'positive' });
    const replaced = run('export', '--format', 'onnx', '--model', mlmDir, '--out', target, '--overwrite');
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(target, HF_CONFIG_FILE), 'utf8')).architectures).toEqual(['BertForMaskedLM']);
    const aside = readdirSync(dirname(target)).filter((name) => name !== 'classifier');
    expect(aside).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dirname(target), aside[0], HF_CONFIG_FILE), 'utf8')).id2label).toEqual({ 0: 'negative', 1: 'neutral', 2: 'positive' });
  });

  it('ufbert export --out /proc/dir ends at once with the typed error, creating nothing', () => {
    const exported = run('export', '--format', 'onnx', '--model', mlmDir, '--out', '/proc/ufbert-export');
    expect(exported.status).toBe(1);
    expect(exported.stderr).toMatch(/ufbert: FileLayerError: \/proc: the folder that holds \/proc\/ufbert-export is on proc/);
  });
});
