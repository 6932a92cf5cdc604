export * from './errors.js';
export * from './model-folder/file-names.js';
export { readLabels, labelEntries, labelNames, type LabelEntries } from './model-folder/labels.js';
export {
  readModelFolder,
  readModelConfig,
  readModelTokenizer,
  readModelWeights,
  type ReadModelFile,
  type ModelFolderConfig,
  type ModelFolderParts,
} from './model-folder/read-model-folder.js';
export { modelFolderFiles, jsonText, type ModelFolderContents } from './model-folder/model-folder-files.js';
export * from './config.js';
export { presetConfig, PRESET_NAMES } from './presets.js';
export { parameterSpecs, initStd, isHeadParameter, WORD_EMBEDDING, DECODER_WEIGHT, type ParameterSpec, type ParameterKind } from './parameters.js';
export { sinusoidalTable } from './positional.js';
export { selfAttention, additivePaddingMask, type AttentionWeights } from './attention.js';
export { feedforward, type FeedforwardWeights } from './feedforward.js';
export { dense, type DenseWeight } from './dense.js';
export { CrammedBertModel, type CreateModelOptions } from './model.js';
export { loadCheckpoint, type LoadCheckpointOptions } from './load-checkpoint.js';
export { TextTokenizer, type TextInput, type Encoding, type EncodeOptions, type BatchEncoding, type EncodeBatchOptions } from './tokenizer/tokenizer.js';
export { WordPieceTrainer, trainWordPiece, type WordPieceTrainerOptions } from './tokenizer/wordpiece-trainer.js';
export {
  wordPieceTokenizerJson,
  CONTINUATION_PREFIX,
  type TokenizerJson,
  type AddedTokenJson,
  type SpecialTokenNames,
  type WordPieceJsonOptions,
} from './tokenizer/tokenizer-json.js';
export { findSpecialTokens, specialTokenConfig, type SpecialToken, type SpecialTokens } from './tokenizer/special-tokens.js';
export { TfjsRuntime, type InferenceRuntime, type TokenBatch } from './inference-runtime.js';
export { checkTokenBatch } from './token-batch-check.js';
export { parseKernelChoice, formatKernelChoice, treeRoute, type KernelChoice, type LayerRoutes, type TreeRoute } from '@ufbert/fff';
