import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend, tf } from '@ufbert/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { pretrain } from './pretrain.js';
import { topicDocuments, topicTokenizer } from './test-utils/fixtures.js';
import { ToyMaskedLanguageModel } from './toy/toy-model.js';

beforeAll(async () => {
  await setBackend('cpu');
});

describe('pretrain', () => {
  it('leaks no tensors over 1000 steps with accumulation, validation and checkpoints', async () => {
    const tokenizer = topicTokenizer();
    const model = ToyMaskedLanguageModel.create({ vocabSize: tokenizer.vocabSize, hiddenSize: 4 });
    const before = tf.memory().numTensors;
    const counts = new Map<number, number>();
    await pretrain({
      model,
      tokenizer,
      corpus: { documents: topicDocuments(12, 2, 3) },
      outputDir: mkdtempSync(join(tmpdir(), 'ufbert-leak-')),
      quiet: true,
      config: {
        budget: { steps: 1000 },
        sequenceLength: 12,
        microBatchSize: 2,
        finalBatchSize: 4,
        batchSizeRampFraction: 0.1,
        validationFraction: 0.2,
        validateEverySteps: 250,
        checkpointEverySteps: 400,
      },
      onStep: (record) => {
        if (record.step % 100 === 0) counts.set(record.step, tf.memory().numTensors);
      },
    });
    const during = new Set(counts.values());
    expect(counts.size).toBe(10);
    expect(during.size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
