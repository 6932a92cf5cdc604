import type { CrammedBertConfig } from '@ufbert/crammed-bert';
import type { TaskEvaluation } from '@ufbert/glue';
import type { TrainingConfig } from '@ufbert/training';

/** The file a run writes beside report.md: every figure report.html shows, with paths relative to the run folder. */
export const REPORT_JSON = 'report.json';
export const REPORT_HTML = 'report.html';
export const REPORT_MD = 'report.md';

/** How one FFF layer's leaves were used by the validation tokens. */
export interface LayerUsage {
  layer: number;
  /** Validation tokens routed (padding excluded). */
  tokens: number;
  /** Leaves of the layer, all trees together. */
  leaves: number;
  /** Leaves at least one token reached. */
  leavesUsed: number;
  /** leavesUsed / leaves. */
  leafShareUsed: number;
  /** Entropy of the tokens' distribution over a tree's leaves in bits, averaged over the layer's trees. */
  pathEntropyBits: number;
  /** Its maximum: the tree depth, reached when every leaf takes the same share. */
  maxPathEntropyBits: number;
}

export interface TaskResult {
  evaluation: TaskEvaluation;
  /** The majority-class (or mean) baseline on the same split. */
  baseline: TaskEvaluation;
  /** The saved classifier, relative to the run folder. */
  classifierDir: string;
  /** Wall time of fine-tuning and evaluation. */
  seconds: number;
}

export interface ModelSummary {
  name: string;
  kind: 'fff' | 'ff';
  modelConfig: CrammedBertConfig;
  validationLoss: number | null;
  unigramBaseline: number;
  steps: number;
  tokens: number;
  /** Pretraining wall time, resumed sessions included. */
  trainingSeconds: number;
  /** tokens / trainingSeconds. */
  tokensPerSecond: number;
  /** Folders and files relative to the run folder. */
  pretrainDir: string;
  pretrainedDir: string;
  logFile: string;
  chartFile: string;
  tasks: Record<string, TaskResult>;
  /** The mean of the task scores; null without tasks. */
  averageScore: number | null;
  /** FFF models: node usage per layer on the validation set; null for dense models. */
  usage: LayerUsage[] | null;
  /** The model in q8 against fp32 on onnxruntime. */
  q8: Q8Accuracy;
}

/** A fine-tuned classifier's dev accuracy on onnxruntime in fp32 and in q8. */
export interface Q8TaskAccuracy {
  /** Dev examples classified. */
  examples: number;
  fp32Accuracy: number;
  q8Accuracy: number;
  /** 100 (q8 - fp32): percentage points. */
  differencePoints: number;
}

/**
 * The model in q8 (int8 weights, onnxruntime's dynamic quantization) against the same model in
 * fp32, both exported by @ufbert/onnx and run by onnxruntime-node. Null fields: nothing to
 * compare (no validation sequences; a dense model has no FFF leaves).
 */
export interface Q8Accuracy {
  /** The dtype measured and the one it is compared with: `q8` against `fp32`. */
  dtype: 'q8';
  baseline: 'fp32';
  /** Masked positions of the held-out validation sequences compared. */
  maskedPositions: number;
  /** Share of them where q8's top prediction is fp32's. */
  top1Agreement: number | null;
  /** Tokens (padding excluded) whose final hidden states were compared. */
  tokens: number;
  /** Cosine similarity of the q8 and fp32 hidden state of a token: the lowest and the mean over the tokens. */
  hiddenCosineMin: number | null;
  hiddenCosineMean: number | null;
  /** FFF models: share of (token, layer, tree) whose leaf differs between q8 and fp32. */
  leafDifferShare: number | null;
  /** FFF models: share of tokens with at least one differing leaf in some layer or tree. */
  tokensWithLeafDifferingShare: number | null;
  /** Per task: the fine-tuned classifier's dev accuracy in both dtypes. */
  tasks: Record<string, Q8TaskAccuracy>;
}

/** One phase of the run and its wall time. */
export interface PhaseTiming {
  phase: string;
  /** The model it belongs to, by name; absent for shared phases (the tokenizer). */
  model?: string;
  seconds: number;
}

export interface FillMaskCandidateSummary {
  token: string;
  score: number;
}

export interface FillMaskSample {
  text: string;
  /** Top candidates per model, by model name. */
  candidates: Record<string, FillMaskCandidateSummary[]>;
}

export interface MachineInfo {
  platform: string;
  arch: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** The tfjs backend as `describeBackend` names it. */
  backend: string;
}

export interface Versions {
  node: string;
  ufbert: string;
  tfjsCore: string;
}

/** The FFF model's score as a fraction of the FF model's, per task and on the average of the tasks. */
export interface Retention {
  tasks: Record<string, number | null>;
  /** Over the tasks with a retention. */
  average: number | null;
  /** Why a task's retention (or, under `average`, the average's) is null, where it is. */
  notes: Record<string, string>;
}

export interface RunReport {
  /** ISO time the report was written. */
  createdAt: string;
  seed: number;
  /** The trainer's options, corpus files relative to the run folder. */
  options: Record<string, unknown>;
  /** Pretraining config, the same for both models. */
  training: TrainingConfig;
  machine: MachineInfo;
  versions: Versions;
  models: ModelSummary[];
  retention: Retention | null;
  phases: PhaseTiming[];
  samples: FillMaskSample[];
}
