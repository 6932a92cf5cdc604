import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { setBackend, describeBackend, UfbertError } from '@ufbert/tensor';
import {
  ensureFolder,
  ensureWritableFolder,
  FILE_LIMITS,
  FileLayerError,
  folderEntries,
  LOCK_FILE,
  moveFolderContentsAside,
  OutputLock,
  readText,
  regularFileSize,
  writeFileAtomic,
  writeJsonAtomic,
} from '@ufbert/tensor/node';
import { CrammedBertModel, fffNeurons, presetConfig, trainWordPiece, type CrammedBertConfig, type TextTokenizer } from '@ufbert/crammed-bert';
import { loadTokenizer, saveModel, saveTokenizer } from '@ufbert/crammed-bert/node';
import { GLUE_SANE, getTask, type EmbeddedTaskName, type TaskEvaluation } from '@ufbert/glue';
import { fineTune, loadEmbeddedTask, saveClassifier, type LabeledExample } from '@ufbert/glue/node';
import { mlmTokenizer, OutputDirectoryError, type CorpusDocument, type TrainingConfig, type TrainingConfigInput } from '@ufbert/training';
import { CrammedBertMlm, pretrain, readCorpus, readTrainingLog } from '@ufbert/training/node';
import type { TrainerOptions } from './options.js';
import { comparisonTable } from './comparison-table.js';
import { q8Table } from './q8-table.js';
import { fillMaskSamples } from './fill-mask-samples.js';
import { machineInfo, versions } from './machine-info.js';
import { renderReportPage } from './report-page.js';
import { pretrainResumption } from './pretrain-resumption.js';
import { averageScore, retention } from './retention.js';
import { REPORT_HTML, REPORT_JSON, REPORT_MD, type LayerUsage, type ModelSummary, type PhaseTiming, type RunReport } from './run-report.js';
import { validationNodeUsage } from './validation-node-usage.js';
import { classifierAgreement, maskedModelAgreement } from './q8-accuracy.js';

export class PreflightError extends UfbertError {}

type Print = (line: string) => void;

/** Everything that can be wrong with the inputs, checked before any training starts. */
async function preflight(options: TrainerOptions): Promise<{ fff: CrammedBertConfig; ff: CrammedBertConfig }> {
  const problems: string[] = [];
  for (const file of options.corpus) {
    try {
      regularFileSize(file, 'corpus text file');
    } catch (error) {
      if (!(error instanceof FileLayerError)) throw error;
      problems.push(`corpus file ${error.message}`);
    }
  }
  try {
    await ensureWritableFolder(options.outDir, { what: 'output folder', fail: (message) => new OutputDirectoryError(message) });
  } catch (error) {
    if (!(error instanceof UfbertError)) throw error;
    problems.push(error.message);
  }
  const configs: Partial<Record<'fff' | 'ff', CrammedBertConfig>> = {};
  for (const [kind, preset] of [
    ['fff', options.fffPreset],
    ['ff', options.ffPreset],
  ] as const) {
    try {
      configs[kind] = pretrainingConfig(preset, kind, options);
    } catch (error) {
      problems.push(`--${kind}-preset ${preset}: ${(error as Error).message}`);
    }
  }
  if (configs.fff && configs.fff.intermed_type !== 'fff')
    problems.push(`--fff-preset ${options.fffPreset} has no FFF blocks (intermed_type ${configs.fff.intermed_type})`);
  if (configs.ff && configs.ff.intermed_type !== 'ff')
    problems.push(`--ff-preset ${options.ffPreset} has no dense FF blocks (intermed_type ${configs.ff.intermed_type})`);
  if (problems.length) throw new PreflightError(`cannot start:\n  - ${problems.join('\n  - ')}`);
  return configs as { fff: CrammedBertConfig; ff: CrammedBertConfig };
}

/** Pretraining runs without dropout, as crammedBERT does; the FF twin's width matches the FFF's neuron count. */
function pretrainingConfig(preset: string, kind: 'fff' | 'ff', options: TrainerOptions): CrammedBertConfig {
  const base = presetConfig(preset, { embedding: { vocab_size: options.vocabSize, max_seq_length: 128 } });
  const width = kind === 'ff' && preset === 'crammedBERT-tiny' ? { intermed_size: fffNeurons(presetConfig(options.fffPreset)) } : {};
  return {
    ...base,
    ...width,
    hidden_dropout_prob: 0,
    embedding: { ...base.embedding, dropout_prob: 0 },
    attention: { ...base.attention, dropout_prob: 0 },
  };
}

/** The corpus key a cached tokenizer was trained for; undefined when there is none. */
async function readCachedKey(keyFile: string): Promise<string | undefined> {
  try {
    return await readText(keyFile, { what: 'tokenizer cache key', maxBytes: FILE_LIMITS.config });
  } catch (error) {
    if (error instanceof FileLayerError && error.reason === 'missing') return undefined;
    throw error;
  }
}

async function tokenizerFor(documents: CorpusDocument[], options: TrainerOptions, print: Print): Promise<{ tokenizer: TextTokenizer; cached: boolean }> {
  const hash = createHash('sha256');
  for (const d of documents) hash.update(d.text);
  const key = `${hash.digest('hex').slice(0, 16)}-v${options.vocabSize}`;
  const dir = join(options.outDir, 'tokenizer');
  const keyFile = join(dir, 'corpus-key.txt');
  if ((await readCachedKey(keyFile)) === key) {
    print(`tokenizer: cached in ${dir}`);
    return { tokenizer: await loadTokenizer(dir), cached: true };
  }
  const started = performance.now();
  const tokenizer = trainWordPiece(
    documents.map((d) => d.text),
    { vocabSize: options.vocabSize },
  );
  await ensureFolder(dir, { what: 'tokenizer folder' });
  await saveTokenizer(tokenizer, dir);
  await writeFileAtomic(keyFile, key);
  print(`tokenizer: trained WordPiece (${tokenizer.vocabSize} tokens) in ${((performance.now() - started) / 1000).toFixed(1)} s, saved to ${dir}`);
  return { tokenizer, cached: false };
}

/**
 * The crammedBERT recipe scaled to a tiny model and a few minutes: batches of 16 growing
 * to 32 and a higher peak rate. Measured on the embedded corpus for 2.5 min (wasm, 2 cores):
 * peak 2e-3 with batches 32->128 ended 0.03 nats under the unigram baseline, 4e-3 with
 * 16->32 0.31 under, 8e-3 with 16->32 0.42 under.
 */
function trainingConfig(options: TrainerOptions): TrainingConfigInput {
  return {
    budget: options.budget,
    sequenceLength: 128,
    microBatchSize: 16,
    finalBatchSize: 32,
    peakLearningRate: 8e-3,
    checkpointEveryMinutes: 2,
    validationFraction: 0.02,
    seed: options.seed,
  };
}

export interface TrainerResult {
  report: RunReport;
  /** report.md, report.json and report.html in the output folder. */
  files: { markdown: string; json: string; html: string };
}

export async function runTrainer(options: TrainerOptions, print: Print): Promise<TrainerResult> {
  const configs = await preflight(options);
  // One run per output folder: a second trainer on it fails here, before it touches anything.
  const lock = OutputLock.acquire(options.outDir, { print });
  try {
    await claimOutputFolder(options, print);
    return await runLocked(options, configs, print);
  } finally {
    lock.release();
  }
}

/** Refuses to start over an earlier run unless told to resume it or to move it aside. */
async function claimOutputFolder(options: TrainerOptions, print: Print): Promise<void> {
  const earlier = folderEntries(options.outDir, [LOCK_FILE]);
  if (earlier.length === 0 || options.resume) return;
  if (!options.overwrite) {
    throw new PreflightError(
      `cannot start: ${options.outDir} holds an earlier run (${earlier.join(', ')}); pass --resume to continue it, ` +
        `--overwrite to start over (the earlier run is moved to ${options.outDir}.replaced-<time>), or choose another --out`,
    );
  }
  print(`moved the earlier run to ${await moveFolderContentsAside(options.outDir, [LOCK_FILE])}`);
}

/** Seconds since `started` (a performance.now() reading). */
const secondsSince = (started: number) => (performance.now() - started) / 1000;

async function runLocked(options: TrainerOptions, configs: { fff: CrammedBertConfig; ff: CrammedBertConfig }, print: Print): Promise<TrainerResult> {
  await setBackend(options.backend);
  print(`backend: ${describeBackend()}`);
  const documents = await readCorpus(options.corpus.length ? { files: options.corpus } : { embedded: ['sotu', 'moby-dick', 'brown'] });
  print(`corpus: ${documents.length} documents${options.corpus.length ? '' : ' (embedded: State of the Union addresses, Moby Dick, Brown corpus)'}`);
  const phases: PhaseTiming[] = [];
  const tokenizerStarted = performance.now();
  const { tokenizer, cached } = await tokenizerFor(documents, options, print);
  phases.push({ phase: cached ? 'tokenizer (cached)' : 'tokenizer (trained)', seconds: secondsSince(tokenizerStarted) });
  const vocab = tokenizer.vocabSize;
  // report.json names files relative to the run folder, so the folder can be moved or shared.
  const relativePath = (path: string) => relative(options.outDir, path) || '.';

  const summaries: ModelSummary[] = [];
  let training: TrainingConfig | undefined;
  for (const [kind, preset] of [
    ['fff', options.fffPreset],
    ['ff', options.ffPreset],
  ] as const) {
    const config: CrammedBertConfig = { ...configs[kind], embedding: { ...configs[kind].embedding, vocab_size: vocab } };
    const name = kind === 'fff' ? `${preset}` : `${preset}-FF${config.intermed_size}`;
    const runDir = join(options.outDir, kind);
    print(`\n== ${name}: pretraining (${'steps' in options.budget ? `${options.budget.steps} steps` : `${options.budget.minutes} min`}) ==`);
    const pretrainStarted = performance.now();
    const model = CrammedBertModel.create(config, { seed: options.seed });
    const resumption = await pretrainResumption(join(runDir, 'pretrain'), options.resume, name, print);
    const result = await pretrain({
      model: new CrammedBertMlm(model),
      tokenizer: mlmTokenizer(tokenizer),
      corpus: { documents },
      outputDir: join(runDir, 'pretrain'),
      config: trainingConfig(options),
      ...resumption,
      onNonFiniteLoss: options.nonFiniteLoss,
      quiet: options.quiet,
      chartTitle: `${name}: pretraining`,
      print,
    });
    training = result.config;
    const pretrainedDir = join(runDir, 'pretrained');
    let usage: LayerUsage[] | null = null;
    try {
      await saveModel(model, pretrainedDir, { tokenizer });
      phases.push({ phase: 'pretraining', model: name, seconds: secondsSince(pretrainStarted) });
      if (kind === 'fff' && result.validation.count > 0) {
        const usageStarted = performance.now();
        usage = await validationNodeUsage(model, result.validation);
        phases.push({ phase: 'FFF node usage on the validation set', model: name, seconds: secondsSince(usageStarted) });
      }
    } finally {
      model.dispose();
    }
    print(
      `pretrained: ${result.steps} steps, ${result.tokens} tokens, validation MLM loss ${result.validationLoss?.toFixed(4)} (unigram baseline ${result.baseline.crossEntropy.toFixed(4)}); saved to ${pretrainedDir}`,
    );

    const { tasks, classifiers } = await fineTuneEmbeddedTasks({ options, tokenizer, pretrainedDir, runDir, model: name, phases, relativePath, print });
    const q8Started = performance.now();
    const q8: ModelSummary['q8'] = { ...(await maskedModelAgreement(pretrainedDir, result.validation, tokenizer.specialTokens.mask!.id)), tasks: {} };
    for (const { task, dir, dev } of classifiers) q8.tasks[task] = await classifierAgreement(dir, task, dev);
    phases.push({ phase: 'quantized weights against float weights, onnxruntime', model: name, seconds: secondsSince(q8Started) });
    print(`q8 vs fp32 (onnxruntime): ${q8Line(q8)}`);
    const trainingSeconds = result.elapsedMs / 1000;
    const summary: ModelSummary = {
      name,
      kind,
      modelConfig: config,
      validationLoss: result.validationLoss,
      unigramBaseline: result.baseline.crossEntropy,
      steps: result.steps,
      tokens: result.tokens,
      trainingSeconds,
      tokensPerSecond: trainingSeconds > 0 ? result.tokens / trainingSeconds : 0,
      pretrainDir: relativePath(join(runDir, 'pretrain')),
      pretrainedDir: relativePath(pretrainedDir),
      logFile: relativePath(result.logFile),
      chartFile: relativePath(result.chartFile),
      tasks,
      averageScore: null,
      usage,
      q8,
    };
    summary.averageScore = averageScore(summary, options.tasks);
    summaries.push(summary);
  }

  const samplesStarted = performance.now();
  const samples = await fillMaskSamples(summaries.map((s) => ({ name: s.name, dir: join(options.outDir, s.pretrainedDir) })));
  phases.push({ phase: 'fill-mask samples', seconds: secondsSince(samplesStarted) });

  const report: RunReport = {
    createdAt: new Date().toISOString(),
    seed: options.seed,
    options: { ...options, corpus: options.corpus.map(relativePath), outDir: '.' },
    training: training!,
    machine: machineInfo(),
    versions: versions(),
    models: summaries,
    retention: retention(summaries),
    phases,
    samples,
  };
  const files = await writeRunReports(options, report, summaries, print);
  return { report, files };
}

interface FineTuneRun {
  options: TrainerOptions;
  tokenizer: TextTokenizer;
  pretrainedDir: string;
  runDir: string;
  /** The model's name in the progress lines and phase timings. */
  model: string;
  phases: PhaseTiming[];
  relativePath: (path: string) => string;
  print: Print;
}

/** Fine-tunes the pretrained model on each embedded task, saving a classifier per task: the report's task cells and what the q8 check compares. */
async function fineTuneEmbeddedTasks({ options, tokenizer, pretrainedDir, runDir, model: name, phases, relativePath, print }: FineTuneRun): Promise<{
  tasks: ModelSummary['tasks'];
  classifiers: Array<{ task: string; dir: string; dev: LabeledExample[] }>;
}> {
  const tasks: ModelSummary['tasks'] = {};
  const classifiers: Array<{ task: string; dir: string; dev: LabeledExample[] }> = [];
  for (const task of options.tasks) {
    const taskStarted = performance.now();
    const { train: all, dev } = loadEmbeddedTask(task as EmbeddedTaskName, { seed: options.seed });
    const train = options.fineTuneExamples === null ? all : all.slice(0, options.fineTuneExamples);
    const epochs = options.fineTuneEpochs[task] ?? GLUE_SANE.epochs;
    print(`fine-tuning on ${task}: ${train.length} train, ${dev.length} dev, ${epochs} epoch${epochs > 1 ? 's' : ''}`);
    const tuned = await fineTune({
      modelDir: pretrainedDir,
      tokenizer,
      task,
      train,
      eval: { dev },
      recipe: { epochs, lr: options.fineTuneLearningRate, maxLength: options.fineTuneMaxLength, seed: options.seed },
      onEpoch: (epoch, evaluation: TaskEvaluation) => print(`  epoch ${epoch + 1}/${epochs}: ${formatMetrics(evaluation.metrics)}`),
    });
    const classifierDir = join(runDir, 'classifiers', task);
    try {
      await saveClassifier(tuned.model, tokenizer, getTask(task), classifierDir);
    } finally {
      tuned.model.dispose();
    }
    const seconds = secondsSince(taskStarted);
    phases.push({ phase: `fine-tuning and evaluation: ${task}`, model: name, seconds });
    tasks[task] = { evaluation: tuned.evaluation, baseline: tuned.baseline, classifierDir: relativePath(classifierDir), seconds };
    classifiers.push({ task, dir: classifierDir, dev });
    print(
      `  ${task}: score ${(100 * tuned.evaluation.score).toFixed(1)} (majority baseline ${(100 * tuned.baseline.score).toFixed(1)}); classifier saved to ${classifierDir} (ufbert classify --model ${classifierDir} TEXT)`,
    );
  }
  return { tasks, classifiers };
}

/** report.md (the tables), report.json and report.html, each written atomically, and where they are printed. */
async function writeRunReports(options: TrainerOptions, report: RunReport, summaries: ModelSummary[], print: Print): Promise<TrainerResult['files']> {
  const table = `${comparisonTable(summaries)}\n\n${q8Table(summaries)}`;
  const files = { markdown: join(options.outDir, REPORT_MD), json: join(options.outDir, REPORT_JSON), html: join(options.outDir, REPORT_HTML) };
  await writeFileAtomic(files.markdown, `${table}\n`);
  await writeJsonAtomic(files.json, report);
  const logs = summaries.map((s) => readTrainingLog(join(options.outDir, s.logFile)));
  await writeFileAtomic(files.html, renderReportPage(report, logs));
  print(`\n${table}`);
  print(`\nwritten: ${options.outDir}`);
  for (const s of summaries)
    print(`  ${s.name}: log, chart and checkpoints in ${join(options.outDir, s.pretrainDir)}; pretrained model in ${join(options.outDir, s.pretrainedDir)}`);
  print(`  report: ${files.html} (open it in a browser), ${REPORT_MD} and ${REPORT_JSON}; tokenizer: ${join(options.outDir, 'tokenizer')}`);
  return files;
}

/** One line for the progress output; the table and report.html show every figure. */
function q8Line(q8: ModelSummary['q8']): string {
  const share = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`);
  const parts = [
    `masked top-1 agreement ${share(q8.top1Agreement)} of ${q8.maskedPositions}`,
    `hidden-state cosine min ${q8.hiddenCosineMin?.toFixed(4) ?? 'n/a'}`,
  ];
  if (q8.leafDifferShare !== null) parts.push(`FFF leaves differing ${share(q8.leafDifferShare)}`);
  for (const [task, t] of Object.entries(q8.tasks)) parts.push(`${task} accuracy ${(100 * t.fp32Accuracy).toFixed(1)} -> ${(100 * t.q8Accuracy).toFixed(1)}`);
  return parts.join(', ');
}

function formatMetrics(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}`)
    .join(', ');
}
