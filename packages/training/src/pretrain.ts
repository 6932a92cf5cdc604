import { join } from 'node:path';
import { ensureWritableFolder, LOCK_FILE, moveFolderContentsAside, OutputLock, pathKind, writeFileAtomic } from '@ufbert/tensor/node';
import { performance } from 'node:perf_hooks';
import { tf, type Tensor } from '@ufbert/tensor';
import { AdamW } from './adamw.js';
import { loadOptimizerState } from './optimizer-file.js';
import { BatchStream } from './batch-stream.js';
import { renderTrainingChart } from './chart.js';
import {
  CHECKPOINTS_DIR,
  OPTIMIZER_FILE,
  findLatestCheckpoint,
  hasCheckpoints,
  pruneCheckpoints,
  readTrainerState,
  setAsideCorruptCheckpoint,
  writeCheckpoint,
  type Checkpoint,
  type CorruptCheckpoint,
  type TrainerState,
} from './checkpoint.js';
import { resolveTrainingConfig, type TrainingConfig, type TrainingConfigInput } from './config.js';
import { readCorpus, type CorpusSpec } from './corpus/corpus.js';
import { CheckpointError, NonFiniteLossError, OutputDirectoryError, TrainingConfigError, TrainingContractError } from './errors.js';
import { batchTensors, disposeBatchTensors, type MaskedLanguageModel } from './model.js';
import { fingerprintSequences, packSequences, type PackedSequences } from './packing.js';
import { progressDisplay } from './progress-bar.js';
import { accumulationStepsAt, budgetProgress, learningRateAt } from './schedules.js';
import { splitSequences } from './split.js';
import { checkTokenizer, type MlmTokenizer } from './tokenizer.js';
import { readTrainingLog, TrainingLog, type StepRecord } from './training-log.js';
import { unigramBaseline, type UnigramBaseline } from './unigram-baseline.js';
import { ValidationSet } from './validation-loss.js';

export const LOG_FILE = 'train-log.jsonl';
/** Non-finite losses in a row after which even onNonFiniteLoss: 'skip' gives up: the model itself is broken. */
export const MAX_CONSECUTIVE_SKIPS = 20;
export const CHART_FILE = 'training-chart.svg';

export interface PretrainOptions {
  model: MaskedLanguageModel;
  tokenizer: MlmTokenizer;
  corpus: CorpusSpec;
  /** Receives the JSONL log, the chart and `checkpoints/`. Created if missing. */
  outputDir: string;
  /** Required for a new run. On resume the checkpoint's config is used; one given here must equal it. */
  config?: TrainingConfigInput;
  /** Continue from the newest complete checkpoint in `outputDir`, exactly where it stopped. */
  resume?: boolean;
  /**
   * Start a new run in a folder that holds checkpoints of an earlier run: its files are
   * moved into a sibling folder `<outputDir>.replaced-<time>`, never deleted.
   */
  overwrite?: boolean;
  /** No progress bar and no messages. */
  quiet?: boolean;
  /** Where messages go (the baseline, data summary, checkpoints); default stderr unless quiet. */
  print?: (message: string) => void;
  /**
   * What a step whose loss is NaN or infinite does: `abort` (default) throws a
   * NonFiniteLossError naming the step before the optimiser applies it; `skip` leaves the
   * weights as they were, counts it (PretrainResult.skippedSteps) and goes on with the next
   * batch, up to MAX_CONSECUTIVE_SKIPS in a row.
   */
  onNonFiniteLoss?: 'abort' | 'skip';
  /** Title of the SVG chart written at the end, e.g. the model's name (default `pretraining`). */
  chartTitle?: string;
  onStep?: (record: StepRecord) => void;
  onCheckpoint?: (checkpoint: Checkpoint) => void;
}

export interface PretrainResult {
  config: TrainingConfig;
  /** Optimiser steps taken in total (across resumes). */
  steps: number;
  tokens: number;
  elapsedMs: number;
  /** Loss of the last step, or null when no step ran in this session. */
  finalLoss: number | null;
  /** Loss on the held-out sequences at the end, or null without a validation split. */
  validationLoss: number | null;
  /** Batches whose loss was not finite and that were skipped (onNonFiniteLoss: 'skip') in this session. */
  skippedSteps: number;
  baseline: UnigramBaseline;
  /** The held-out sequences the validation loss is computed on, for further evaluation of the trained model. */
  validation: PackedSequences;
  checkpoint: Checkpoint;
  logFile: string;
  chartFile: string;
}

/** Everything checked and loaded before the first step, so that bad input fails before any training. */
interface Prepared {
  config: TrainingConfig;
  train: PackedSequences;
  validation: PackedSequences;
  documents: number;
  resumeFrom?: { checkpoint: Checkpoint; state: TrainerState };
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

async function prepare(options: PretrainOptions, print: (message: string) => void): Promise<Prepared> {
  const { model, tokenizer, outputDir } = options;
  if (!options.resume && options.config === undefined) throw new TrainingConfigError(['a config (at least the budget) is required to start a run']);
  let config = options.config === undefined ? undefined : resolveTrainingConfig(options.config);
  checkTokenizer(tokenizer);
  if (model.namedParameters().size === 0) throw new TrainingContractError('the model has no parameters to train');

  let checkpoint: Checkpoint | undefined;
  if (options.resume) {
    const corrupt: CorruptCheckpoint[] = [];
    checkpoint = await findLatestCheckpoint(outputDir, { onCorrupt: (c) => corrupt.push(c) });
    for (const { dir, error } of corrupt) {
      print(`skipping a corrupt checkpoint (moved to ${await setAsideCorruptCheckpoint(dir)}): ${error.message}`);
    }
    if (!checkpoint) throw new CheckpointError(`cannot resume: ${join(outputDir, CHECKPOINTS_DIR)} holds no complete checkpoint`);
    const stored = checkpoint.manifest.config;
    if (config && stableJson(config) !== stableJson(stored)) {
      const differing = Object.keys({ ...stored, ...config }).filter(
        (key) => stableJson(config![key as keyof TrainingConfig]) !== stableJson(stored[key as keyof TrainingConfig]),
      );
      throw new TrainingConfigError(
        differing.map(
          (key) =>
            `${key} is ${stableJson(config![key as keyof TrainingConfig])}, but the checkpoint was trained with ${stableJson(stored[key as keyof TrainingConfig])}`,
        ),
      );
    }
    config = resolveTrainingConfig(stored);
    if (stableJson(model.config ?? null) !== stableJson(checkpoint.manifest.modelConfig)) {
      throw new CheckpointError(
        `${checkpoint.dir}: the checkpoint was written by a model with config ${stableJson(checkpoint.manifest.modelConfig)}, not ${stableJson(model.config ?? null)}`,
      );
    }
  } else if ((await hasCheckpoints(outputDir)) || pathKind(join(outputDir, LOG_FILE)) !== 'missing') {
    if (!options.overwrite)
      throw new OutputDirectoryError(
        `${outputDir} already holds a run (checkpoints or ${LOG_FILE}): resume it, pass overwrite to start over (the old run is moved aside), or choose another folder`,
      );
    print(`moved the earlier run in ${outputDir} to ${await moveFolderContentsAside(outputDir, [LOCK_FILE])}`);
  }
  const resolved = config!;

  const documents = await readCorpus(options.corpus);
  const packed = packSequences(documents, tokenizer, { sequenceLength: resolved.sequenceLength });
  const { train, validation } = splitSequences(packed, { validationFraction: resolved.validationFraction, seed: resolved.seed });
  if (!checkpoint) return { config: resolved, train, validation, documents: documents.length };

  const state = await readTrainerState(checkpoint);
  const fingerprint = fingerprintSequences(train);
  if (state.dataFingerprint !== fingerprint) {
    throw new CheckpointError(
      `${checkpoint.dir}: the checkpoint was trained on other data (fingerprint ${state.dataFingerprint}, this corpus and tokenizer give ${fingerprint})`,
    );
  }
  return { config: resolved, train, validation, documents: documents.length, resumeFrom: { checkpoint, state } };
}

/**
 * Pretrains a masked language model: reads and packs the corpus, holds out a validation split,
 * then runs AdamW with the budget-triangle2 schedule and the batch-size ramp until the budget
 * is spent, logging every step to JSONL, checkpointing every N minutes (or steps) and at the
 * end, and finally writing an SVG chart. Every input is checked before the first step.
 *
 * With `resume`, continues from the newest complete checkpoint exactly: on a step budget the
 * resumed run's losses equal those of an uninterrupted run.
 */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  const print = options.print ?? (options.quiet ? () => {} : (message: string) => process.stderr.write(`${message}\n`));
  await ensureWritableFolder(options.outputDir, { what: 'output folder', fail: (message) => new OutputDirectoryError(message) });
  // Held until the run ends, so a second run on the same folder fails at once instead
  // of mixing its checkpoints and log lines with this one's.
  const lock = OutputLock.acquire(options.outputDir, { print });
  try {
    return await pretrainLocked(options, print);
  } finally {
    lock.release();
  }
}

async function pretrainLocked(options: PretrainOptions, print: (message: string) => void): Promise<PretrainResult> {
  const prepared = await prepare(options, print);
  const { model, tokenizer, outputDir } = options;
  const { config, train, validation } = prepared;

  const baseline = unigramBaseline(train, tokenizer);
  print(`data: ${prepared.documents} documents, ${train.count} training and ${validation.count} validation sequences of ${config.sequenceLength} tokens`);
  print(`unigram baseline: ${baseline.crossEntropy.toFixed(4)} nats (masked tokens predicted from unigram frequencies alone)`);

  const parameters = model.namedParameters();
  const optimizer = new AdamW(parameters, { ...config.adamW, maxGradNorm: config.maxGradNorm });
  const stream = new BatchStream(train, tokenizer, { microBatchSize: config.microBatchSize, seed: config.seed, masking: config.masking });
  const validationSet = new ValidationSet(validation, tokenizer, { microBatchSize: config.microBatchSize, seed: config.seed, masking: config.masking });
  const dataFingerprint = fingerprintSequences(train);
  const logFile = join(outputDir, LOG_FILE);

  let lastValidation: { step: number; loss: number | null } | undefined;
  let start: RunStart;
  try {
    start = await startOrResume(prepared, { model, optimizer, stream, outputDir, logFile, print });
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  let { step, tokens, lastCheckpoint } = start;
  const { elapsedBefore, revalidate, log } = start;

  const sessionStart = performance.now();
  const elapsedMs = (): number => elapsedBefore + (performance.now() - sessionStart);
  let lastCheckpointAt = elapsedBefore;
  const sessionStartTokens = tokens;
  let finalLoss: number | null = null;
  const onNonFiniteLoss = options.onNonFiniteLoss ?? 'abort';
  let skippedSteps = 0;
  let consecutiveSkips = 0;
  const progressBar = progressDisplay(!options.quiet);

  const checkpointNow = async (): Promise<void> => {
    const state: TrainerState = { step, elapsedMs: elapsedMs(), tokens, data: stream.getState(), dataFingerprint };
    const randomState = model.getRandomState?.();
    if (randomState !== undefined) state.modelRandomState = randomState;
    lastCheckpoint = await writeCheckpoint(outputDir, { model, optimizer, state, config });
    await pruneCheckpoints(outputDir, config.keepCheckpoints);
    lastCheckpointAt = elapsedMs();
    options.onCheckpoint?.(lastCheckpoint);
  };
  const validateNow = async (): Promise<void> => {
    const loss = await validationSet.loss(model);
    lastValidation = { step, loss };
    if (loss !== null) log.append({ kind: 'validation', step, loss, sequences: validationSet.sequences, elapsed: elapsedMs() / 1000 });
  };

  try {
    // The pass the killed run logged at this step is recomputed, on the model as loaded.
    if (revalidate) await validateNow();
    for (;;) {
      const progress = budgetProgress(config.budget, { step, elapsedMs: elapsedMs() });
      if (progress >= 1) break;
      const learningRate = learningRateAt(config.schedule, config.peakLearningRate, progress);
      const accumulation = accumulationStepsAt(
        { microBatchSize: config.microBatchSize, finalBatchSize: config.finalBatchSize, rampFraction: config.batchSizeRampFraction },
        progress,
      );
      const { gradients, loss: lossSum, tokenCount } = accumulateGradients(model, stream, parameters, accumulation);
      tokens += tokenCount;
      // Read before the update, so a NaN never reaches the weights or the optimiser state.
      const lossData = await lossSum.data();
      lossSum.dispose();
      if (!Number.isFinite(lossData[0])) {
        tf.dispose([...gradients.values()]);
        const where = lastCheckpoint ? `the last checkpoint is ${lastCheckpoint.dir}` : 'no checkpoint was written yet';
        if (onNonFiniteLoss === 'abort')
          throw new NonFiniteLossError(step + 1, lossData[0], `stopped before applying it (${where}); onNonFiniteLoss: 'skip' skips such batches`);
        skippedSteps++;
        if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS)
          throw new NonFiniteLossError(step + 1, lossData[0], `${consecutiveSkips} batches in a row had a non-finite loss, giving up (${where})`);
        print(`step ${step + 1}: loss ${lossData[0]}, batch skipped (${skippedSteps} so far)`);
        continue;
      }
      consecutiveSkips = 0;
      const norm = optimizer.applyGradients(gradients, learningRate);
      tf.dispose([...gradients.values()]);
      const normData = await norm.data();
      norm.dispose();
      step++;
      finalLoss = lossData[0];
      const record: StepRecord = {
        kind: 'step',
        step,
        loss: lossData[0],
        learningRate,
        batchSize: accumulation * config.microBatchSize,
        tokens,
        gradNorm: normData[0],
        elapsed: elapsedMs() / 1000,
      };
      log.append(record);
      options.onStep?.(record);
      const sessionSeconds = (performance.now() - sessionStart) / 1000;
      progressBar.update({
        progress: budgetProgress(config.budget, { step, elapsedMs: elapsedMs() }),
        step,
        loss: record.loss,
        tokensPerSecond: sessionSeconds > 0 ? (tokens - sessionStartTokens) / sessionSeconds : 0,
      });
      if (config.validateEverySteps !== null && step % config.validateEverySteps === 0) await validateNow();
      const stepsDue = config.checkpointEverySteps !== null && step % config.checkpointEverySteps === 0;
      if (stepsDue || elapsedMs() - lastCheckpointAt >= config.checkpointEveryMinutes * 60_000) await checkpointNow();
    }
    progressBar.stop();
    if (lastValidation?.step !== step && validation.count > 0) await validateNow();
    if (lastCheckpoint?.manifest.step !== step) await checkpointNow();
  } finally {
    progressBar.stop();
    log.close();
    optimizer.dispose();
  }

  const chartFile = join(outputDir, CHART_FILE);
  await writeFileAtomic(
    chartFile,
    renderTrainingChart(readTrainingLog(logFile), {
      title: options.chartTitle,
      baseline: { value: baseline.crossEntropy, label: `unigram baseline ${baseline.crossEntropy.toFixed(3)}` },
    }),
  );
  const validationLoss = lastValidation?.loss ?? null;
  print(
    `done: ${step} steps, ${tokens.toLocaleString('en-US')} tokens in ${(elapsedMs() / 60_000).toFixed(1)} min; ` +
      `${finalLoss === null ? '' : `last loss ${finalLoss.toFixed(4)}, `}validation loss ${validationLoss === null ? 'n/a' : validationLoss.toFixed(4)}; checkpoint ${lastCheckpoint!.dir}`,
  );
  return {
    config,
    steps: step,
    tokens,
    elapsedMs: elapsedMs(),
    finalLoss,
    validationLoss,
    skippedSteps,
    baseline,
    validation,
    checkpoint: lastCheckpoint!,
    logFile,
    chartFile,
  };
}

/** Where a run starts: step 0 with a new log, or the state of the checkpoint it resumes from. */
interface RunStart {
  step: number;
  tokens: number;
  elapsedBefore: number;
  lastCheckpoint: Checkpoint | undefined;
  /** The killed run logged a validation pass at this step: recompute it on the model as loaded. */
  revalidate: boolean;
  log: TrainingLog;
}

/** A new run, or the checkpoint to resume from loaded into the model, the optimiser and the batch stream, exactly. */
async function startOrResume(
  prepared: Prepared,
  run: { model: MaskedLanguageModel; optimizer: AdamW; stream: BatchStream; outputDir: string; logFile: string; print: (message: string) => void },
): Promise<RunStart> {
  const { model, optimizer, stream, outputDir, logFile, print } = run;
  if (!prepared.resumeFrom)
    return { step: 0, tokens: 0, elapsedBefore: 0, lastCheckpoint: undefined, revalidate: false, log: await TrainingLog.create(logFile) };
  const { checkpoint, state } = prepared.resumeFrom;
  await model.loadCheckpoint(checkpoint.dir);
  await loadOptimizerState(optimizer, join(checkpoint.dir, OPTIMIZER_FILE));
  if (optimizer.step !== state.step)
    throw new CheckpointError(`${checkpoint.dir}: optimiser state is at step ${optimizer.step}, trainer state at step ${state.step}`);
  stream.setState(state.data);
  if (state.modelRandomState !== undefined) model.setRandomState?.(state.modelRandomState);
  await pruneCheckpoints(outputDir, prepared.config.keepCheckpoints);
  const revalidate = readTrainingLog(logFile).some((record) => record.kind === 'validation' && record.step === state.step);
  const log = await TrainingLog.continueFrom(logFile, state.step);
  print(`resumed from ${checkpoint.dir} at step ${state.step}`);
  return { step: state.step, tokens: state.tokens, elapsedBefore: state.elapsedMs, lastCheckpoint: checkpoint, revalidate, log };
}

/**
 * The gradients of one optimiser step by parameter name, summed over `accumulation` micro-batches of the stream
 * (each loss scaled by 1 / accumulation, so the sum is the mean), with the summed loss and the tokens read.
 */
function accumulateGradients(
  model: MaskedLanguageModel,
  stream: BatchStream,
  parameters: ReadonlyMap<string, tf.Variable>,
  accumulation: number,
): { gradients: Map<string, Tensor>; loss: Tensor; tokenCount: number } {
  const nameOfVariable = new Map([...parameters].map(([name, variable]) => [variable.name, name]));
  const variables = [...parameters.values()];
  const gradients = new Map<string, Tensor>();
  let loss: Tensor = tf.scalar(0);
  let tokenCount = 0;
  for (let micro = 0; micro < accumulation; micro++) {
    const batch = stream.next();
    tokenCount += batch.tokenCount;
    const tensors = batchTensors(batch);
    try {
      const { value, grads } = tf.variableGrads(() => tf.mul(model.mlmLoss(tensors, true), 1 / accumulation) as tf.Scalar, variables);
      const summed = tf.add(loss, value);
      tf.dispose([loss, value]);
      loss = summed;
      for (const [variableName, gradient] of Object.entries(grads)) {
        const name = nameOfVariable.get(variableName)!;
        const previous = gradients.get(name);
        if (previous) {
          gradients.set(name, tf.add(previous, gradient));
          tf.dispose([previous, gradient]);
        } else {
          gradients.set(name, gradient);
        }
      }
    } finally {
      disposeBatchTensors(tensors);
    }
  }
  return { gradients, loss, tokenCount };
}
