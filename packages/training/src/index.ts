export * from './errors.js';
export type { CorpusDocument } from './corpus/document.js';
export { readSotu } from './corpus/sotu.js';
export { readMobyDick } from './corpus/moby-dick.js';
export { readBrown, brownCorpusDirectory, brownSentence, brownSentences, brownWord } from './corpus/brown.js';
export { readTextFiles } from './corpus/text-files.js';
export { readCorpus, readEmbeddedCorpus, EMBEDDED_SOURCES, type EmbeddedSource, type CorpusSpec } from './corpus/corpus.js';
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
export {
  writeCheckpoint,
  findLatestCheckpoint,
  setAsideCorruptCheckpoint,
  sha256File,
  readTrainerState,
  pruneCheckpoints,
  checkpointDirectory,
  CHECKPOINTS_DIR,
  MANIFEST_FILE,
  OPTIMIZER_FILE,
  TRAINER_STATE_FILE,
  type Checkpoint,
  type CheckpointManifest,
  type CheckpointFile,
  type CorruptCheckpoint,
  type FindCheckpointOptions,
  type TrainerState,
} from './checkpoint.js';
export { readTrainingLog, TrainingLog, type StepRecord, type ValidationRecord, type TrainingLogRecord } from './training-log.js';
export { renderTrainingChart, niceTicks, type ChartOptions } from './chart.js';
export { ValidationSet, type ValidationSetOptions } from './validation-loss.js';
export { OutputLock, OutputLockedError, LOCK_FILE, type LockHolder, type OutputLockOptions } from '@ufbert/tensor/node';
export { ensureWritableDirectory, assertOrdinaryFileSystem, directoryEntries, moveRunAside } from './output-directory.js';
export { pretrain, LOG_FILE, CHART_FILE, MAX_CONSECUTIVE_SKIPS, type PretrainOptions, type PretrainResult } from './pretrain.js';
export { CrammedBertMlm } from './crammed-bert-mlm.js';
export { mlmTokenizer } from './text-tokenizer-adapter.js';
