import { describe, expect, it } from 'vitest';
import { GpuBenchOptionError } from './errors.js';
import { DEFAULTS, parseOptions } from './options.js';

describe('parseOptions', () => {
  it('takes the results folder and budget from the environment, flags winning', () => {
    const env = { UFBERT_GPU_BENCH_RESULTS: '/r/env', UFBERT_GPU_BENCH_BUDGET_S: '30' };
    expect(parseOptions([], env)).toEqual({ ...DEFAULTS, resultsDir: '/r/env', budgetS: 30 });
    const flags = parseOptions(
      ['--results', '/r/flag', '--budget-s', '2', '--batches', '1,8', '--timing', 'wall', '--model', 'tiny', '--input-size', '16'],
      env,
    );
    expect(flags).toMatchObject({ resultsDir: '/r/flag', budgetS: 2, batches: [1, 8], timing: 'wall', model: 'tiny', inputSize: 16 });
  });

  it('refuses a missing results folder, unknown flags and malformed numbers, saying what it expected', () => {
    expect(() => parseOptions([], {})).toThrow(/no results folder: pass --results DIR or set UFBERT_GPU_BENCH_RESULTS/);
    expect(() => parseOptions(['--results', 'r', '--fast'], {})).toThrow(GpuBenchOptionError);
    expect(() => parseOptions(['--results', 'r', '--budget-s', '-1'], {})).toThrow(/--budget-s: expected a positive number of seconds, got '-1'/);
    expect(() => parseOptions(['--results', 'r', '--batches', '1,x'], {})).toThrow(/--batches: expected positive integers/);
    expect(() => parseOptions(['--results', 'r', '--timing', 'gpu'], {})).toThrow(/--timing: expected auto or wall, got 'gpu'/);
    expect(() => parseOptions(['--results', 'r', '--model', 'huge'], {})).toThrow(/--model: expected full, tiny or none, got 'huge'/);
    expect(() => parseOptions(['--results', 'r'], { UFBERT_GPU_BENCH_BUDGET_S: 'lots' })).toThrow(/UFBERT_GPU_BENCH_BUDGET_S: expected a positive number/);
  });
});
