import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrammedBertModel, presetConfig, trainWordPiece } from '@ufbert/crammed-bert';
import { saveModel } from '@ufbert/crammed-bert/node';
import { OutputLock, OutputLockedError } from '@ufbert/tensor/node';
import { OutputDirectoryError } from '@ufbert/training';
import { runGlueCommand } from './glue-command.js';

const GLUE_TEST_DATA = fileURLToPath(new URL('../../../packages/glue/test-data/glue', import.meta.url));

/** A tiny pretrained model folder (model, config, tokenizer) under `dir`. */
async function tinyModel(dir: string): Promise<string> {
  const modelDir = join(dir, 'model');
  const corpus = readFileSync(join(GLUE_TEST_DATA, 'RTE', 'train.tsv'), 'utf8') + readFileSync(join(GLUE_TEST_DATA, 'STS-B', 'train.tsv'), 'utf8');
  const tokenizer = trainWordPiece(corpus.split('\n'), { vocabSize: 300 });
  const model = CrammedBertModel.create(
    presetConfig('UltraFastBERT-tiny-1x2', { num_transformer_layers: 1, hidden_size: 16, embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 64 } }),
  );
  await saveModel(model, modelDir, { tokenizer });
  model.dispose();
  return modelDir;
}

describe('trainer glue', () => {
  it('fine-tunes on GLUE folders in the official layout and writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-cmd-'));
    const modelDir = await tinyModel(dir);
    const lines: string[] = [];
    await runGlueCommand(
      [
        '--model',
        modelDir,
        '--data',
        GLUE_TEST_DATA,
        '--tasks',
        'RTE,STS-B',
        '--epochs',
        '1',
        '--max-length',
        '64',
        '--out',
        join(dir, 'out'),
        '--name',
        'tiny',
      ],
      (l) => lines.push(l),
    );
    const report = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    expect(report).toMatch(/RTE/);
    expect(report).toMatch(/STS-B/);
    expect(report).toMatch(/tiny/);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    expect(JSON.stringify(json)).toContain('RTE');
    expect(lines.some((l) => l.startsWith('  epoch 1'))).toBe(true);

    // A second run on the same --out refuses, and --overwrite moves the first run's reports aside.
    const again = ['--model', modelDir, '--data', GLUE_TEST_DATA, '--tasks', 'RTE', '--epochs', '1', '--max-length', '64', '--out', join(dir, 'out')];
    await expect(runGlueCommand(again, () => {})).rejects.toThrow(/cannot start: .*out holds an earlier run \(report\.json, report\.md\); pass --overwrite/);
    const moved: string[] = [];
    await runGlueCommand([...again, '--overwrite'], (l) => moved.push(l));
    const aside = moved.find((l) => l.startsWith('moved the earlier run to '))!.slice('moved the earlier run to '.length);
    expect(readFileSync(join(aside, 'report.md'), 'utf8')).toBe(report);
    expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).not.toMatch(/STS-B/);
  }, 180_000);

  it('says what is missing', async () => {
    await expect(runGlueCommand(['--data', '/nonexistent'], () => {})).rejects.toThrow(/--model is required[\s\S]*--data \/nonexistent does not exist/);
  });

  it.each(['/proc/self/glue-out', '/sys/kernel/glue-out'])('refuses --out %s within a second with an OutputDirectoryError', async (out) => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-cmd-'));
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model', 'model.safetensors'), '');
    const started = performance.now();
    const run = runGlueCommand(['--model', join(dir, 'model'), '--data', GLUE_TEST_DATA, '--tasks', 'RTE', '--out', out], () => {});
    await expect(run).rejects.toBeInstanceOf(OutputDirectoryError);
    await expect(runGlueCommand(['--model', join(dir, 'model'), '--data', GLUE_TEST_DATA, '--tasks', 'RTE', '--out', out], () => {})).rejects.toThrow(
      new RegExp(`^${out}: the output folder is on (procfs|sysfs)`),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(existsSync(out)).toBe(false);
  });

  it('fails at once on an output folder another run holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-cmd-'));
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model', 'model.safetensors'), '');
    const lock = OutputLock.acquire(join(dir, 'out'));
    try {
      const run = runGlueCommand(['--model', join(dir, 'model'), '--data', GLUE_TEST_DATA, '--tasks', 'RTE', '--out', join(dir, 'out')], () => {});
      await expect(run).rejects.toBeInstanceOf(OutputLockedError);
    } finally {
      lock.release();
    }
  });

  it('reads every task file before training, so a malformed STS-B after RTE fails before RTE trains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-cmd-'));
    const data = join(dir, 'data');
    cpSync(GLUE_TEST_DATA, data, { recursive: true });
    writeFileSync(
      join(data, 'STS-B', 'dev.tsv'),
      'index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n0\ttoo few columns\n',
    );
    const lines: string[] = [];
    const run = runGlueCommand(['--model', await tinyModel(dir), '--data', data, '--tasks', 'RTE,STS-B', '--epochs', '1', '--out', join(dir, 'out')], (l) =>
      lines.push(l),
    );
    await expect(run).rejects.toThrow(/cannot start, the task files hold 1 problem:\n {2}- STS-B: .*dev\.tsv:2: /);
    expect(lines.filter((l) => l.includes('epoch'))).toEqual([]);
  }, 120_000);

  it("keeps the finished tasks' results when a later task fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-cmd-'));
    const data = join(dir, 'data');
    cpSync(GLUE_TEST_DATA, data, { recursive: true });
    // Reads fine, but there is nothing to score STS-B on.
    writeFileSync(join(data, 'STS-B', 'dev.tsv'), `${readFileSync(join(GLUE_TEST_DATA, 'STS-B', 'dev.tsv'), 'utf8').split('\n')[0]}\n`);
    const lines: string[] = [];
    const run = runGlueCommand(
      ['--model', await tinyModel(dir), '--data', data, '--tasks', 'RTE,STS-B', '--epochs', '1', '--max-length', '64', '--out', join(dir, 'out')],
      (l) => lines.push(l),
    );
    await expect(run).rejects.toThrow(/1 of 2 tasks failed \(the report holds the others\):\n {2}- STS-B: /);
    expect(existsSync(join(dir, 'out', 'report.json'))).toBe(true);
    const report = JSON.stringify(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')));
    expect(report).toMatch(/"RTE":\d/);
    expect(report).not.toMatch(/"STS-B":\d/);
    expect(lines.some((l) => l.startsWith('  STS-B: failed: '))).toBe(true);
  }, 120_000);
});
