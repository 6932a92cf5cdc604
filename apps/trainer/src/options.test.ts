import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from './options.js';

describe('trainer options', () => {
  it('has the documented defaults', () => {
    const o = parseOptions([], '/app');
    expect(o).toMatchObject({
      fffPreset: 'UltraFastBERT-tiny-1x7',
      ffPreset: 'crammedBERT-tiny',
      vocabSize: 4096,
      budget: { minutes: 3 },
      backend: 'wasm',
      outDir: '/app/runs/default',
      tasks: ['spam', 'sentiment'],
      resume: false,
      overwrite: false,
      nonFiniteLoss: 'abort',
      fineTuneEpochs: { spam: 1, sentiment: 3 },
      fineTuneMaxLength: 64,
      fineTuneExamples: null,
    });
  });
  it('lists every bad flag at once, with the usage', () => {
    expect(() => parseOptions(['--backend', 'tpu', '--steps', '0', '--tasks', 'spam,nope'], '/w')).toThrow(UsageError);
    try {
      parseOptions(['--backend', 'tpu', '--steps', '0', '--tasks', 'spam,nope'], '/w');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("--backend must be one of cpu, wasm, webgpu, auto, got 'tpu'");
      expect(message).toContain("--steps must be a positive integer, got '0'");
      expect(message).toContain("--tasks: unknown 'nope'; expected some of spam, sentiment");
      expect((error as UsageError).help).toMatch(/^usage: /);
    }
    expect(() => parseOptions(['--minutes', '1', '--steps', '2'])).toThrow('give --minutes or --steps, not both');
    expect(() => parseOptions(['--bogus'])).toThrow(UsageError);
    expect(() => parseOptions(['--nonfinite-loss', 'ignore'])).toThrow("--nonfinite-loss must be one of abort, skip, got 'ignore'");
    expect(parseOptions(['--nonfinite-loss', 'skip'])).toMatchObject({ nonFiniteLoss: 'skip' });
    expect(() => parseOptions(['--finetune-examples', '0'])).toThrow("--finetune-examples must be a positive integer, got '0'");
    expect(parseOptions(['--finetune-examples', '64'])).toMatchObject({ fineTuneExamples: 64 });
    expect(() => parseOptions(['--resume', '--overwrite'])).toThrow('give --resume or --overwrite, not both');
  });

  it('refuses a seed that is no safe integer and a task named twice, before any run (they once created the output folder first)', () => {
    expect(() => parseOptions(['--seed', '1e30'])).toThrow("--seed must be a non-negative integer, got '1e30'");
    expect(() => parseOptions(['--seed', '-1'])).toThrow(UsageError);
    expect(parseOptions(['--seed', '7'])).toMatchObject({ seed: 7 });
    expect(() => parseOptions(['--tasks', 'spam,spam'])).toThrow("--tasks names 'spam' twice");
  });
});
