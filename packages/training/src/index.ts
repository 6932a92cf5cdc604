export * from './errors.js';
export type { CorpusDocument } from './corpus/document.js';
export { brownSentence, brownSentences, brownWord } from './corpus/brown.js';
export { checkTokenizer, specialIdTable, type MlmTokenizer, type SpecialIds } from './tokenizer.js';
export { packSequences, selectSequences, fingerprintSequences, type PackedSequences, type PackOptions } from './packing.js';
export { splitSequences, type SplitOptions, type SequenceSplit } from './split.js';
export { deriveSeed, derivedRng } from './seeds.js';
export { maskSequences, maskedCount, IGNORE_LABEL, type MaskedBatch, type MaskingOptions } from './masking.js';
export { BatchStream, type BatchStreamOptions, type BatchStreamState, type DataPosition } from './batch-stream.js';
export { unigramBaseline, type UnigramBaseline } from './unigram-baseline.js';
export { batchTensors, disposeBatchTensors, sparseCrossEntropy, type MaskedLanguageModel, type MlmBatchTensors } from './model.js';
export { AdamW, decaysWeight, type AdamWOptions } from './adamw.js';
export {
  budgetTriangle2,
  learningRateAt,
  accumulationStepsAt,
  budgetProgress,
  LEARNING_RATE_SCHEDULES,
  type LearningRateSchedule,
  type BatchSizeRamp,
  type TrainingBudget,
} from './schedules.js';
export { resolveTrainingConfig, DEFAULT_TRAINING_CONFIG, type TrainingConfig, type TrainingConfigInput } from './config.js';
export type { StepRecord, ValidationRecord, TrainingLogRecord } from './training-log.js';
export { renderTrainingChart, niceTicks, type ChartOptions } from './chart.js';
export { ValidationSet, type ValidationSetOptions } from './validation-loss.js';
export { mlmTokenizer } from './text-tokenizer-adapter.js';
