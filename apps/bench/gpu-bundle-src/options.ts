import { GpuBenchOptionError } from './errors.js';
import type { ModelPlan } from './model-rows.js';

export type TimingChoice = 'auto' | 'wall';

export interface GpuBenchOptions {
  /** Folder the results JSON goes to (`--results`, else UFBERT_GPU_BENCH_RESULTS). */
  resultsDir: string;
  /** Seconds of timed samples for the whole run, shared by its measurements (`--budget-s`, UFBERT_GPU_BENCH_BUDGET_S). */
  budgetS: number;
  /** Rows not started this many seconds after the start are skipped, so a slow adapter still ends (`--max-s`). */
  maxS: number;
  /** Longest wait for one GPU answer before the device counts as hung (`--deadline-s`). */
  deadlineS: number;
  batches: readonly number[];
  /** H = O. 768 (BERT-base) is the point; a small one only makes tests fast, and their times meaningless. */
  inputSize: number;
  /** A kernel's next batch whose call would take longer than this (predicted from its previous batch) is skipped (`--max-call-s`). */
  maxCallS: number;
  /** `wall`: time with onSubmittedWorkDone even where the adapter has timestamp queries. */
  timing: TimingChoice;
  /** The whole-model rows: UltraFastBERT-1x11 against crammedBERT-3072 on tfjs-webgpu at 8x128 (`full`), a tiny pair (`tiny`, tests) or none. */
  model: ModelPlan;
}

/**
 * About three minutes of timed samples: with conformance, warm-up and read-backs a real GPU
 * finishes in well under the 8 minutes a borrowed machine gives; `maxS` is the backstop.
 */
export const DEFAULTS: Omit<GpuBenchOptions, 'resultsDir'> = {
  budgetS: 180,
  maxS: 420,
  deadlineS: 60,
  batches: [1, 128, 1024, 8192],
  inputSize: 768,
  maxCallS: 10,
  timing: 'auto',
  model: 'full',
};

const USAGE =
  'usage: bench.mjs --results DIR [--budget-s S] [--max-s S] [--deadline-s S] [--max-call-s S] [--batches 1,128,1024,8192] [--input-size 768] [--timing auto|wall] [--model full|tiny|none]';

function positive(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value <= 0)
    throw new GpuBenchOptionError(`${flag}: expected a positive number of seconds, got '${text}'; ${USAGE}`);
  return value;
}

function batchList(text: string | undefined, flag = '--batches'): number[] {
  const batches = (text ?? '').split(',').map(Number);
  if (!text || batches.some((b) => !Number.isInteger(b) || b < 1))
    throw new GpuBenchOptionError(`${flag}: expected positive integers separated by commas, got '${text}'`);
  return batches;
}

/** Flags win over the environment variables, which win over DEFAULTS. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): GpuBenchOptions {
  const resultsDir = env.UFBERT_GPU_BENCH_RESULTS;
  const options = {
    ...DEFAULTS,
    ...(env.UFBERT_GPU_BENCH_BUDGET_S ? { budgetS: positive('UFBERT_GPU_BENCH_BUDGET_S', env.UFBERT_GPU_BENCH_BUDGET_S) } : {}),
    resultsDir,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case '--results':
        options.resultsDir = value();
        break;
      case '--budget-s':
        options.budgetS = positive(flag, value());
        break;
      case '--max-s':
        options.maxS = positive(flag, value());
        break;
      case '--deadline-s':
        options.deadlineS = positive(flag, value());
        break;
      case '--max-call-s':
        options.maxCallS = positive(flag, value());
        break;
      case '--input-size': {
        const [size] = batchList(value(), flag);
        options.inputSize = size;
        break;
      }
      case '--batches':
        options.batches = batchList(value());
        break;
      case '--timing': {
        const timing = value();
        if (timing !== 'auto' && timing !== 'wall') throw new GpuBenchOptionError(`--timing: expected auto or wall, got '${timing}'`);
        options.timing = timing;
        break;
      }
      case '--model': {
        const model = value();
        if (model !== 'full' && model !== 'tiny' && model !== 'none') throw new GpuBenchOptionError(`--model: expected full, tiny or none, got '${model}'`);
        options.model = model;
        break;
      }
      default:
        throw new GpuBenchOptionError(`unknown argument '${flag}'; ${USAGE}`);
    }
  }
  if (!options.resultsDir) throw new GpuBenchOptionError(`no results folder: pass --results DIR or set UFBERT_GPU_BENCH_RESULTS; ${USAGE}`);
  return { ...options, resultsDir: options.resultsDir };
}
