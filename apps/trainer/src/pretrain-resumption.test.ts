import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CrammedBertModel, presetConfig, trainWordPiece } from '@ufbert/crammed-bert';
import { mlmTokenizer, type CorpusDocument } from '@ufbert/training';
import { CHECKPOINTS_DIR, CrammedBertMlm, LOG_FILE, pretrain } from '@ufbert/training/node';
import { pretrainResumption } from './pretrain-resumption.js';

const TEXT = 'the capital of france is paris. the capital of italy is rome. paris is a beautiful city. rome is old. '.repeat(40);
const documents: CorpusDocument[] = [{ source: 'file', id: 'd', text: TEXT }];
const tokenizer = trainWordPiece([TEXT], { vocabSize: 120, minFrequency: 1 });
const config = { budget: { steps: 1 }, sequenceLength: 32, microBatchSize: 4, finalBatchSize: 4, validationFraction: 0.1, seed: 0 };

/** One model's pretraining as the trainer runs it, with `--resume` or without. */
async function pretrainOne(dir: string, resume: boolean, print: (line: string) => void) {
  const model = CrammedBertModel.create(presetConfig('crammedBERT-tiny', { embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32 } }), { seed: 0 });
  try {
    const resumption = await pretrainResumption(dir, resume, 'ff', print);
    return await pretrain({
      model: new CrammedBertMlm(model),
      tokenizer: mlmTokenizer(tokenizer),
      corpus: { documents },
      outputDir: dir,
      config,
      ...resumption,
      quiet: true,
      print,
    });
  } finally {
    model.dispose();
  }
}

describe('--resume of one model of the run', () => {
  it('starts a model killed before its first checkpoint over (its partial log moved aside), and resumes one with a checkpoint', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trainer-resumption-'));
    const killed = join(root, 'ff', 'pretrain');
    // What a kill before the first checkpoint leaves: the log of a started run, no checkpoint.
    mkdirSync(dirname(join(killed, LOG_FILE)), { recursive: true });
    writeFileSync(join(killed, LOG_FILE), '');
    const printed: string[] = [];
    const fresh = await pretrainOne(killed, true, (line) => printed.push(line));
    expect(printed[0]).toBe(`ff: no complete checkpoint in ${killed} to resume from; its pretraining starts from the beginning`);
    expect(fresh.steps).toBe(1);
    expect(readdirSync(join(root, 'ff')).some((name) => name.startsWith('pretrain.replaced-'))).toBe(true);
    expect(existsSync(join(killed, CHECKPOINTS_DIR))).toBe(true);

    const again: string[] = [];
    expect(await pretrainResumption(killed, true, 'ff', (line) => again.push(line))).toEqual({ resume: true, overwrite: false });
    const resumed = await pretrainOne(killed, true, (line) => again.push(line));
    expect(again.join('\n')).toMatch(/resumed from .* at step 1/);
    expect(resumed.steps).toBe(1);
    expect(await pretrainResumption(join(root, 'nothing'), false, 'ff', () => {})).toEqual({ resume: false, overwrite: false });
  }, 120_000);
});
