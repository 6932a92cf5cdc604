import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { CrammedBertModel, presetConfig, trainWordPiece } from '@ufbert/crammed-bert';
import { GlueError } from './errors.js';
import { saveClassifier } from './save-classifier.js';
import { getTask } from './task-registry.js';

describe('saveClassifier into a virtual file system', () => {
  it.each(['/proc/self/classifier', '/sys/kernel/classifier'])('refuses %s at once with a GlueError (a recursive mkdir there never returns)', async (dir) => {
    await setBackend('cpu');
    const tokenizer = trainWordPiece(['a small corpus of words', 'another line of words'], { vocabSize: 60 });
    const model = CrammedBertModel.create(
      presetConfig('UltraFastBERT-tiny-1x2', {
        num_transformer_layers: 1,
        hidden_size: 16,
        embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 16 },
      }),
      { seed: 1 },
    );
    try {
      const started = performance.now();
      const error = await saveClassifier(model, tokenizer, getTask('spam'), dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GlueError);
      expect((error as Error).message).toMatch(new RegExp(`^${dir}: the classifier folder is on (procfs|sysfs)`));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(existsSync(dir)).toBe(false);
    } finally {
      model.dispose();
    }
  });
});
