import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend, tf } from '@ufbert/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINTS_DIR, checkpointDirectory } from './checkpoint.js';
import type { TrainingConfigInput } from './config.js';
import { CheckpointError, CorpusError, NonFiniteLossError, OutputDirectoryError, TrainingConfigError, TrainingContractError } from './errors.js';
import { LOCK_FILE, OutputLockedError } from '@ufbert/tensor/node';
import { CHART_FILE, LOG_FILE, pretrain, type PretrainOptions } from './pretrain.js';
import { topicDocuments, topicTokenizer } from './test-utils/fixtures.js';
import { ToyMaskedLanguageModel } from './toy/toy-model.js';
import { readTrainingLog, type StepRecord } from './training-log.js';

const tokenizer = topicTokenizer();
const documents = topicDocuments(60);
const CONFIG: TrainingConfigInput = {
  budget: { steps: 60 },
  sequenceLength: 32,
  microBatchSize: 8,
  finalBatchSize: 16,
  peakLearningRate: 3e-2,
  validationFraction: 0.1,
  validateEverySteps: 20,
  checkpointEverySteps: 25,
  seed: 3,
};

const freshDir = () => mkdtempSync(join(tmpdir(), 'ufbert-pretrain-'));
const toyModel = () => ToyMaskedLanguageModel.create({ vocabSize: tokenizer.vocabSize, hiddenSize: 32, seed: 1 });
const options = (outputDir: string, overrides: Partial<PretrainOptions> = {}): PretrainOptions => ({
  model: toyModel(),
  tokenizer,
  corpus: { documents },
  outputDir,
  config: CONFIG,
  quiet: true,
  ...overrides,
});
const stepLosses = (dir: string) => readTrainingLog(join(dir, LOG_FILE)).filter((r): r is StepRecord => r.kind === 'step');

beforeAll(async () => {
  await setBackend('cpu');
});

describe('pretrain', () => {
  let out: string;
  let result: Awaited<ReturnType<typeof pretrain>>;
  const messages: string[] = [];

  beforeAll(async () => {
    out = freshDir();
    result = await pretrain(options(out, { quiet: false, print: (m) => messages.push(m) }));
  });

  it('logs every step with loss, learning rate, batch size, tokens and elapsed time', () => {
    const log = readTrainingLog(join(out, LOG_FILE));
    const steps = log.filter((r): r is StepRecord => r.kind === 'step');
    expect(steps.map((r) => r.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(steps[0].learningRate).toBeCloseTo(0.25 * 3e-2, 12);
    expect(steps[45].learningRate).toBeCloseTo(3e-2, 12);
    expect(steps[0].batchSize).toBe(8);
    expect(steps.at(-1)!.batchSize).toBe(16);
    expect(steps.every((r, i) => i === 0 || (r.tokens > steps[i - 1].tokens && r.elapsed >= steps[i - 1].elapsed))).toBe(true);
    expect(steps.every((r) => Number.isFinite(r.loss) && r.gradNorm > 0)).toBe(true);
    expect(log.filter((r) => r.kind === 'validation').map((r) => r.step)).toEqual([20, 40, 60]);
  });

  it('learns: the loss falls below the unigram baseline', () => {
    const steps = stepLosses(out);
    const mean = (rs: StepRecord[]) => rs.reduce((s, r) => s + r.loss, 0) / rs.length;
    expect(mean(steps.slice(-10))).toBeLessThan(mean(steps.slice(0, 10)) - 0.3);
    expect(result.validationLoss).not.toBeNull();
    expect(result.validationLoss!).toBeLessThan(result.baseline.crossEntropy - 0.2);
    expect(messages.some((m) => m.startsWith(`unigram baseline: ${result.baseline.crossEntropy.toFixed(4)} nats`))).toBe(true);
  });

  it('checkpoints every N steps and at the end, keeping the newest, and draws the chart', () => {
    expect(readdirSync(join(out, CHECKPOINTS_DIR))).toEqual(['step-00000060']);
    expect(result.checkpoint.dir).toBe(checkpointDirectory(out, 60));
    expect(result.steps).toBe(60);
    const svg = readFileSync(join(out, CHART_FILE), 'utf8');
    expect(svg).toContain('<polyline');
    expect(svg).toContain('unigram baseline');
  });

  it('resumes from an earlier checkpoint with exactly the uninterrupted losses', async () => {
    const dir = freshDir();
    await pretrain(options(dir, { config: { ...CONFIG, keepCheckpoints: 3 } }));
    const uninterrupted = stepLosses(dir);
    // As if the run had been killed after step 25: later checkpoints gone, the log running ahead.
    rmSync(checkpointDirectory(dir, 50), { recursive: true });
    rmSync(checkpointDirectory(dir, 60), { recursive: true });
    const resumed = await pretrain(options(dir, { config: undefined, resume: true }));
    expect(resumed.steps).toBe(60);
    expect(stepLosses(dir).map((r) => r.loss)).toEqual(uninterrupted.map((r) => r.loss));
    expect(stepLosses(dir).map((r) => r.tokens)).toEqual(uninterrupted.map((r) => r.tokens));
  });
});

describe('pretrain budgets and checkpoint timing', () => {
  it('checkpoints on the clock as well as by steps', async () => {
    const written: number[] = [];
    await pretrain(
      options(freshDir(), {
        config: { ...CONFIG, budget: { steps: 4 }, checkpointEverySteps: null, checkpointEveryMinutes: 1e-9 },
        onCheckpoint: (c) => written.push(c.manifest.step),
      }),
    );
    expect(written).toEqual([1, 2, 3, 4]);
  });

  it('trains for a wall-clock budget', async () => {
    const dir = freshDir();
    const result = await pretrain(options(dir, { config: { ...CONFIG, budget: { minutes: 0.5 / 60 }, checkpointEverySteps: null, validateEverySteps: null } }));
    expect(result.steps).toBeGreaterThan(0);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(500);
    expect(stepLosses(dir)).toHaveLength(result.steps);
    expect(readdirSync(join(dir, CHECKPOINTS_DIR))).toEqual([`step-${String(result.steps).padStart(8, '0')}`]);
  });
});

describe('pretrain checks its inputs before training', () => {
  /** A model that fails the test if training ever reaches it. */
  function untouchableModel() {
    const model = toyModel();
    let calls = 0;
    const original = model.mlmLoss.bind(model);
    model.mlmLoss = (batch, training) => {
      calls++;
      return original(batch, training);
    };
    return { model, calls: () => calls };
  }

  async function failure(overrides: Partial<PretrainOptions>, dir = freshDir()): Promise<{ error: unknown; trained: boolean; dir: string }> {
    const { model, calls } = untouchableModel();
    const error = await pretrain(options(dir, { model, ...overrides })).catch((e: unknown) => e);
    return { error, trained: calls() > 0 || existsSync(join(dir, LOG_FILE)), dir };
  }

  it('a bad config', async () => {
    const { error, trained } = await failure({ config: { ...CONFIG, finalBatchSize: 12, peakLearningRate: 0 } });
    expect(error).toBeInstanceOf(TrainingConfigError);
    expect((error as TrainingConfigError).problems).toEqual([
      'finalBatchSize 12 must be a multiple of microBatchSize 8',
      'peakLearningRate must be a positive number, got 0',
    ]);
    expect(trained).toBe(false);
    expect((await failure({ config: undefined })).error).toBeInstanceOf(TrainingConfigError);
  });

  it('a missing corpus', async () => {
    const missing = join(freshDir(), 'no-such-corpus.txt');
    const { error, trained } = await failure({ corpus: { files: [missing] } });
    expect(error).toBeInstanceOf(CorpusError);
    expect((error as Error).message).toContain(`${missing}: cannot open the corpus text file: no such file`);
    expect(trained).toBe(false);
  });

  it('an unwritable output folder', async () => {
    const file = join(freshDir(), 'a-file');
    writeFileSync(file, '');
    const { error, trained } = await failure({}, join(file, 'out'));
    expect(error).toBeInstanceOf(OutputDirectoryError);
    expect((error as Error).message).toMatch(/a-file\/out: cannot create the output folder: a component of the path is not a folder/);
    expect(trained).toBe(false);
  });

  it('a folder holding another run, a resume without a checkpoint or with another config, a broken tokenizer', async () => {
    const used = freshDir();
    await pretrain(options(used, { config: { ...CONFIG, budget: { steps: 2 } } }));
    const again = await failure({}, used);
    expect(again.error).toBeInstanceOf(OutputDirectoryError);
    expect((again.error as Error).message).toMatch(/already holds a run .*resume it, pass overwrite/);
    expect((await failure({ resume: true })).error).toBeInstanceOf(CheckpointError);
    const changed = await failure({ resume: true, config: { ...CONFIG, budget: { steps: 2 }, seed: 4 } }, used);
    expect(changed.error).toBeInstanceOf(TrainingConfigError);
    expect((changed.error as TrainingConfigError).problems).toEqual(['seed is 4, but the checkpoint was trained with 3']);
    const broken = {
      ...tokenizer,
      encode: tokenizer.encode.bind(tokenizer),
      vocabSize: tokenizer.vocabSize,
      specialIds: { ...tokenizer.specialIds, mask: tokenizer.specialIds.pad },
    };
    expect((await failure({ tokenizer: broken })).error).toBeInstanceOf(TrainingContractError);
  });
});

describe('pretrain owns its output folder', () => {
  it('a second run on a folder in use fails at once, naming the holder, and the first is not disturbed', async () => {
    const dir = freshDir();
    let stepped!: () => void;
    const firstStep = new Promise<void>((resolve) => (stepped = resolve));
    const first = pretrain(options(dir, { config: { ...CONFIG, budget: { steps: 30 } }, onStep: () => stepped() }));
    await firstStep;
    const second = await pretrain(options(dir)).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(OutputLockedError);
    expect((second as Error).message).toContain(`in use by pid ${process.pid}`);
    const result = await first;
    expect(result.steps).toBe(30);
    expect(stepLosses(dir).map((r) => r.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('overwrite moves the earlier run aside instead of deleting it', async () => {
    const dir = freshDir();
    await pretrain(options(dir, { config: { ...CONFIG, budget: { steps: 3 } } }));
    const oldLog = readFileSync(join(dir, LOG_FILE), 'utf8');
    const messages: string[] = [];
    await pretrain(options(dir, { config: { ...CONFIG, budget: { steps: 2 } }, overwrite: true, quiet: false, print: (m) => messages.push(m) }));
    const moved = messages
      .find((m) => m.startsWith('moved the earlier run'))!
      .split(' to ')
      .at(-1)!;
    expect(moved).toMatch(/\.replaced-/);
    expect(readFileSync(join(moved, LOG_FILE), 'utf8')).toBe(oldLog);
    expect(readdirSync(join(moved, CHECKPOINTS_DIR))).toEqual(['step-00000003']);
    expect(stepLosses(dir)).toHaveLength(2);
  });
});

describe('pretrain resumes only from what it verified', () => {
  it('passes over a checkpoint corrupted at the same size, naming it, and resumes from the one before exactly', async () => {
    const dir = freshDir();
    await pretrain(options(dir, { config: { ...CONFIG, keepCheckpoints: 3 } }));
    const uninterrupted = stepLosses(dir);
    rmSync(checkpointDirectory(dir, 60), { recursive: true });
    const bad = checkpointDirectory(dir, 50);
    const fd = openSync(join(bad, 'model.safetensors'), 'r+');
    const count = Math.min(4000, fstatSync(fd).size - 100);
    writeSync(fd, Buffer.alloc(count, 0xff), 0, count, 100);
    closeSync(fd);
    const messages: string[] = [];
    const resumed = await pretrain(options(dir, { config: undefined, resume: true, quiet: false, print: (m) => messages.push(m) }));
    expect(messages.find((m) => m.startsWith('skipping a corrupt checkpoint'))).toMatch(/step-00000050\.corrupt.*model\.safetensors: contents changed/);
    expect(messages.some((m) => m === `resumed from ${checkpointDirectory(dir, 25)} at step 25`)).toBe(true);
    expect(resumed.steps).toBe(60);
    expect(stepLosses(dir).map((r) => r.loss)).toEqual(uninterrupted.map((r) => r.loss));
    expect(existsSync(`${bad}.corrupt`)).toBe(true);
  });

  it('recomputes the validation loss of the step it resumes at instead of reading it from the log', async () => {
    const dir = freshDir();
    const first = await pretrain(options(dir));
    const log = join(dir, LOG_FILE);
    // A number no run computed: the resumed run must not report it.
    writeFileSync(log, readFileSync(log, 'utf8').replace(/("kind":"validation","step":60,"loss":)[^,]+/, '$1123'));
    const resumed = await pretrain(options(dir, { config: undefined, resume: true }));
    expect(resumed.validationLoss).toBe(first.validationLoss);
    expect(
      readTrainingLog(log)
        .filter((r) => r.kind === 'validation')
        .map((r) => [r.step, r.loss]),
    ).toEqual([
      [20, expect.any(Number)],
      [40, expect.any(Number)],
      [60, first.validationLoss],
    ]);
  });
});

describe('pretrain refuses output folders on virtual file systems', () => {
  it.each(['/proc/self/out', '/sys/kernel/ufbert-out'])('%s, at once and without creating anything', async (outputDir) => {
    const started = performance.now();
    const error = await pretrain(options(outputDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputDirectoryError);
    expect((error as Error).message).toMatch(new RegExp(`^${outputDir}: the output folder is on (procfs|sysfs) .*a virtual file system`));
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

describe('pretrain on a non-finite loss', () => {
  /** The toy model, with NaN as the loss of the microbatch calls listed (1-based). */
  function nanModel(nanCalls: (call: number) => boolean) {
    const model = toyModel();
    const original = model.mlmLoss.bind(model);
    let calls = 0;
    model.mlmLoss = (batch, training) => {
      const loss = original(batch, training);
      // Still a function of the weights, as a real overflow would be.
      return nanCalls(++calls) ? (tf.mul(loss, NaN) as typeof loss) : loss;
    };
    return model;
  }

  it('aborts by default with a typed error naming the step, before the update', async () => {
    const dir = freshDir();
    const model = nanModel((call) => call === 4);
    const error = await pretrain(options(dir, { model, config: { ...CONFIG, budget: { steps: 10 }, microBatchSize: 8, finalBatchSize: 8 } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBe(4);
    expect((error as Error).message).toMatch(/^step 4: the loss is NaN, not a finite number; stopped before applying it/);
    expect(stepLosses(dir).map((r) => r.step)).toEqual([1, 2, 3]);
  });

  it('skips and counts such batches when told to, every logged loss finite', async () => {
    const dir = freshDir();
    const model = nanModel((call) => call === 4 || call === 7);
    const result = await pretrain(
      options(dir, { model, onNonFiniteLoss: 'skip', config: { ...CONFIG, budget: { steps: 10 }, microBatchSize: 8, finalBatchSize: 8 } }),
    );
    expect(result.skippedSteps).toBe(2);
    expect(result.steps).toBe(10);
    expect(stepLosses(dir).every((r) => Number.isFinite(r.loss))).toBe(true);
  });

  it('gives up when every batch is non-finite, even when skipping', async () => {
    const error = await pretrain(
      options(freshDir(), { model: nanModel(() => true), onNonFiniteLoss: 'skip', config: { ...CONFIG, budget: { steps: 10 } } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/^step 1: .*20 batches in a row had a non-finite loss, giving up/);
  });
});
