// Trains the toy model on a few Moby Dick chapters, from the built package, printing
// `step N` and `checkpoint N` lines so the resume test can kill it at a known point.
// Usage: node train-child.mjs <outputDir> start|resume
import { setBackend } from '@ufbert/tensor';
import { pretrain, readMobyDick } from '../../dist/node.js';
import { ToyMaskedLanguageModel, WordTokenizer } from '../../dist/testing.js';

const [outputDir, mode] = process.argv.slice(2);
await setBackend('cpu');
const documents = readMobyDick().slice(3, 13);
const tokenizer = WordTokenizer.fromDocuments(documents, 120);
const model = ToyMaskedLanguageModel.create({ vocabSize: tokenizer.vocabSize, hiddenSize: 8, seed: 2 });
const config = {
  budget: { steps: 200 },
  sequenceLength: 24,
  microBatchSize: 4,
  finalBatchSize: 8,
  peakLearningRate: 0.01,
  validationFraction: 0.05,
  validateEverySteps: 50,
  checkpointEverySteps: 40,
  seed: 11,
};
await pretrain({
  model,
  tokenizer,
  corpus: { documents },
  outputDir,
  config: mode === 'resume' ? undefined : config,
  resume: mode === 'resume',
  quiet: true,
  onStep: (record) => process.stdout.write(`step ${record.step}\n`),
  onCheckpoint: (checkpoint) => process.stdout.write(`checkpoint ${checkpoint.manifest.step}\n`),
});
