// @ufbert/training/testing: tiny stand-ins for a model and a tokenizer that make the trainer
// run end to end in seconds (tests, examples, benchmarks); real pretraining passes the
// crammedBERT model and its WordPiece tokenizer through the same interfaces.
export { ToyMaskedLanguageModel, type ToyMlmConfig } from './toy/toy-model.js';
export { WordTokenizer } from './toy/word-tokenizer.js';
