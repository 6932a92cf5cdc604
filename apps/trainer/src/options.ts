import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEVICES, UfbertError, excerpt, type Device } from '@ufbert/tensor';
import { EMBEDDED_TASKS, type EmbeddedTaskName } from '@ufbert/glue';

export class UsageError extends UfbertError {}

export interface TrainerOptions {
  /** Text files to pretrain on; empty: the embedded default corpus. */
  corpus: string[];
  /** The FFF model; its FF twin has a dense block of the same width (2^(d+1)-1 neurons per tree times k). */
  fffPreset: string;
  ffPreset: string;
  vocabSize: number;
  /** Pretraining budget per model. */
  budget: { minutes: number } | { steps: number };
  backend: Device | 'auto';
  outDir: string;
  tasks: EmbeddedTaskName[];
  /** Fine-tuning epochs per task; a task not listed takes GLUE_sane's 5. */
  fineTuneEpochs: Partial<Record<EmbeddedTaskName, number>>;
  fineTuneLearningRate: number;
  fineTuneMaxLength: number;
  /** Fine-tune on at most this many of each task's training examples (the first, in the seeded order); null: all. */
  fineTuneExamples: number | null;
  seed: number;
  quiet: boolean;
  /** Continue each model's pretraining from its newest checkpoint in the output folder. */
  resume: boolean;
  /** Start over in an output folder that holds an earlier run, moving that run aside. */
  overwrite: boolean;
  /** A pretraining step with a NaN or infinite loss: stop the run (default) or skip the batch and count it. */
  nonFiniteLoss: 'abort' | 'skip';
}

/**
 * The default run has 15 minutes on two cores: one epoch of spam (4,704 mails) already
 * reaches ~97% dev accuracy, the short sentiment sentences take three.
 */
export const DEFAULT_FINETUNE_EPOCHS: Partial<Record<EmbeddedTaskName, number>> = { spam: 1, sentiment: 3 };

export const USAGE = `Usage: pnpm --filter trainer start -- [options]

Pretrains a tiny UltraFastBERT and a crammedBERT with a dense feedforward of the same width
for the same budget on real English text, fine-tunes both on real labelled tasks, and prints
a comparison table.

  --corpus FILE           a text file to pretrain on; repeat for more files (default: the
                          embedded corpus, State of the Union addresses, Moby Dick and the
                          Brown corpus)
  --fff-preset NAME       FFF model (default UltraFastBERT-tiny-1x7: 2 layers, hidden 64, 255 neurons)
  --ff-preset NAME        FF model (default crammedBERT-tiny with intermed_size 255)
  --vocab N               WordPiece vocabulary size (default 4096)
  --minutes M             pretraining budget per model in minutes (default 3)
  --steps N               pretraining budget per model in optimiser steps (instead of --minutes)
  --backend B             cpu, wasm, webgpu or auto (default wasm)
  --out DIR               output folder (default ./runs/default)
  --tasks A,B             downstream tasks (default spam,sentiment)
  --finetune-epochs N     fine-tuning epochs of every task (default: spam 1, sentiment 3)
  --finetune-lr X         fine-tuning peak learning rate (default 5e-4, see README)
  --finetune-max-length N fine-tuning sequence length (default 64)
  --finetune-examples N   fine-tune on at most N training examples per task (default: all);
                          for a quick look, the dev split stays whole
  --seed N                seed of data order, masks and init (default 0)
  --resume                continue pretraining from the checkpoints in --out, exactly
  --overwrite             start over in an --out that holds an earlier run; the earlier run
                          is moved to <out>.replaced-<time>, not deleted
  --nonfinite-loss M      abort (default: stop, naming the step) or skip (skip and count the
                          batch) when a pretraining loss is NaN or infinite
  --quiet                 no progress bars
  --debug                 print the stack of an error, not only its message
  --help

Exit status: 0 done, 1 a run that could not start or failed, 2 usage.

  glue --model DIR --data DIR ...   fine-tune on GLUE in the official layout (glue --help)`;

export function parseOptions(argv: string[], cwd = process.cwd()): TrainerOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        corpus: { type: 'string', multiple: true },
        'fff-preset': { type: 'string' },
        'ff-preset': { type: 'string' },
        vocab: { type: 'string' },
        minutes: { type: 'string' },
        steps: { type: 'string' },
        backend: { type: 'string' },
        out: { type: 'string' },
        tasks: { type: 'string' },
        'finetune-epochs': { type: 'string' },
        'finetune-lr': { type: 'string' },
        'finetune-max-length': { type: 'string' },
        'finetune-examples': { type: 'string' },
        seed: { type: 'string' },
        quiet: { type: 'boolean' },
        resume: { type: 'boolean' },
        overwrite: { type: 'boolean' },
        'nonfinite-loss': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const problems: string[] = [];
  const number = (name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, expected: string) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!check(n)) problems.push(`--${name} must be ${expected}, got '${excerpt(raw)}'`);
    return n;
  };
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  const vocabSize = number('vocab', v.vocab, 4096, (n) => positiveInt(n) && n >= 64, 'an integer >= 64');
  if (v.minutes !== undefined && v.steps !== undefined) problems.push('give --minutes or --steps, not both');
  const budget =
    v.steps !== undefined
      ? { steps: number('steps', v.steps, 0, positiveInt, 'a positive integer') }
      : { minutes: number('minutes', v.minutes, 3, (n) => n > 0 && Number.isFinite(n), 'a positive number') };
  const backend = (v.backend ?? 'wasm') as Device | 'auto';
  if (![...DEVICES, 'auto'].includes(backend)) problems.push(`--backend must be one of ${[...DEVICES, 'auto'].join(', ')}, got '${excerpt(backend)}'`);
  const tasks = (v.tasks ?? 'spam,sentiment').split(',').filter(Boolean) as EmbeddedTaskName[];
  // Own properties only: `toString` or `__proto__` are not tasks.
  for (const t of tasks) if (!Object.hasOwn(EMBEDDED_TASKS, t)) problems.push(`--tasks: unknown task '${excerpt(t)}'; expected ${Object.keys(EMBEDDED_TASKS).join(', ')}`);
  if (!tasks.length) problems.push('--tasks names no task');
  const options: TrainerOptions = {
    corpus: (v.corpus ?? []).map((f) => resolve(cwd, f)),
    fffPreset: v['fff-preset'] ?? 'UltraFastBERT-tiny-1x7',
    ffPreset: v['ff-preset'] ?? 'crammedBERT-tiny',
    vocabSize,
    budget,
    backend,
    outDir: resolve(cwd, v.out ?? 'runs/default'),
    tasks,
    fineTuneEpochs:
      v['finetune-epochs'] === undefined
        ? DEFAULT_FINETUNE_EPOCHS
        : Object.fromEntries(tasks.map((t) => [t, number('finetune-epochs', v['finetune-epochs'], 1, positiveInt, 'a positive integer')])),
    fineTuneMaxLength: number('finetune-max-length', v['finetune-max-length'], 64, (n) => positiveInt(n) && n >= 8 && n <= 128, 'an integer in [8, 128]'),
    fineTuneExamples: v['finetune-examples'] === undefined ? null : number('finetune-examples', v['finetune-examples'], 0, positiveInt, 'a positive integer'),
    fineTuneLearningRate: number('finetune-lr', v['finetune-lr'], 5e-4, (n) => n > 0 && Number.isFinite(n), 'a positive number'),
    seed: number('seed', v.seed, 0, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    quiet: !!v.quiet,
    resume: !!v.resume,
    overwrite: !!v.overwrite,
    nonFiniteLoss: v['nonfinite-loss'] === 'skip' ? 'skip' : 'abort',
  };
  if (v['nonfinite-loss'] !== undefined && v['nonfinite-loss'] !== 'abort' && v['nonfinite-loss'] !== 'skip') problems.push(`--nonfinite-loss must be abort or skip, got '${excerpt(v['nonfinite-loss'])}'`);
  if (options.resume && options.overwrite) problems.push('give --resume or --overwrite, not both');
  if (problems.length) throw new UsageError(`${problems.join('\n')}\n\n${USAGE}`);
  return options;
}
