import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrammedBertModel, presetConfig, saveModel, trainWordPiece } from '@ufbert/crammed-bert';
import { OutputLock, OutputLockedError } from '@ufbert/training';
import { runGlueCommand } from './glue-command.js';

const GLUE_TEST_DATA = fileURLToPath(new URL('../../../packages/glue/test-data/glue', import.meta.url));

describe('trainer glue', () => {
  it('fine-tunes on GLUE folders in the official layout and writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-cmd-'));
    const modelDir = join(dir, 'model');
    const corpus = readFileSync(join(GLUE_TEST_DATA, 'RTE', 'train.tsv'), 'utf8') + readFileSync(join(GLUE_TEST_DATA, 'STS-B', 'train.tsv'), 'utf8');
    const tokenizer = trainWordPiece(corpus.split('\n'), { vocabSize: 300 });
    const model = CrammedBertModel.create(presetConfig('UltraFastBERT-tiny-1x2', { num_transformer_layers: 1, hidden_size: 16, embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 64 } }));
    await saveModel(model, modelDir);
    await tokenizer.save(modelDir);
    model.dispose();
    const lines: string[] = [];
    await runGlueCommand(['--model', modelDir, '--data', GLUE_TEST_DATA, '--tasks', 'RTE,STS-B', '--epochs', '1', '--max-length', '64', '--out', join(dir, 'out'), '--name', 'tiny'], (l) => lines.push(l));
    const report = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    expect(report).toMatch(/RTE/);
    expect(report).toMatch(/STS-B/);
    expect(report).toMatch(/tiny/);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    expect(JSON.stringify(json)).toContain('RTE');
    expect(lines.some((l) => l.startsWith('  epoch 1'))).toBe(true);
  }, 120_000);

  it('says what is missing', async () => {
    await expect(runGlueCommand(['--data', '/nonexistent'], () => {})).rejects.toThrow(/--model is required[\s\S]*--data \/nonexistent does not exist/);
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
});
