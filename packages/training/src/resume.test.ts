import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINTS_DIR } from './checkpoint.js';
import { LOCK_FILE } from '@ufbert/tensor/node';
import { LOG_FILE } from './pretrain.js';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { readTrainingLog, type StepRecord } from './training-log.js';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const CHILD = join(PACKAGE_ROOT, 'src', 'test-utils', 'train-child.mjs');

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the training child; `killAfter` SIGKILLs it as soon as it reports that checkpoint,
 * `onLine` sees each line it prints.
 */
function runChild(outputDir: string, mode: 'start' | 'resume', killAfter?: number, onLine?: (line: string) => void): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, outputDir, mode], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      onLine?.(line);
      if (killAfter !== undefined && line === `checkpoint ${killAfter}`) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const steps = (dir: string) => readTrainingLog(join(dir, LOG_FILE)).filter((r): r is StepRecord => r.kind === 'step');

describe('resume after SIGKILL', () => {
  beforeAll(() => {
    ensureBuilt(PACKAGE_ROOT);
  }, 120_000);

  it('reproduces the uninterrupted run from the last checkpoint on', async () => {
    const uninterruptedDir = mkdtempSync(join(tmpdir(), 'ufbert-uninterrupted-'));
    const killedDir = mkdtempSync(join(tmpdir(), 'ufbert-killed-'));
    const [uninterrupted, killed] = await Promise.all([runChild(uninterruptedDir, 'start'), runChild(killedDir, 'start', 80)]);
    expect(uninterrupted, uninterrupted.stderr).toMatchObject({ code: 0 });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    // The killed run could not release its lock; the resume takes over the stale one.
    expect(existsSync(join(killedDir, LOCK_FILE))).toBe(true);
    const before = steps(killedDir);
    expect(before.at(-1)!.step).toBeGreaterThanOrEqual(80);
    expect(before.at(-1)!.step).toBeLessThan(200);

    const resumed = await runChild(killedDir, 'resume');
    expect(resumed, resumed.stderr).toMatchObject({ code: 0 });

    const expected = steps(uninterruptedDir);
    const actual = steps(killedDir);
    expect(actual.map((r) => r.step)).toEqual(expected.map((r) => r.step));
    expect(expected).toHaveLength(200);
    actual.forEach((record, i) => {
      expect(Math.abs(record.loss - expected[i].loss)).toBeLessThanOrEqual(1e-5);
      expect(record.learningRate).toBe(expected[i].learningRate);
      expect(record.batchSize).toBe(expected[i].batchSize);
      expect(record.tokens).toBe(expected[i].tokens);
    });
    const validation = (dir: string) => readTrainingLog(join(dir, LOG_FILE)).filter((r) => r.kind === 'validation');
    expect(validation(killedDir).map((r) => [r.step, r.loss])).toEqual(validation(uninterruptedDir).map((r) => [r.step, r.loss]));
    expect(readdirSync(join(killedDir, CHECKPOINTS_DIR))).toEqual(['step-00000200']);
    expect(existsSync(join(killedDir, LOCK_FILE))).toBe(false);
  }, 120_000);

  it('lets only one of two processes train into the same folder, and the other fails at once naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ufbert-two-runs-'));
    let second: Promise<ChildRun> | undefined;
    const first = runChild(dir, 'start', undefined, (line) => {
      if (line === 'step 1') second ??= runChild(dir, 'start');
    });
    const firstRun = await first;
    const secondRun = await second!;
    expect(firstRun, firstRun.stderr).toMatchObject({ code: 0 });
    expect(secondRun.code).not.toBe(0);
    expect(secondRun.stderr).toMatch(/OutputLockedError: .*\.ufbert-lock: the output folder is in use by pid \d+/);
    const log = steps(dir);
    expect(log.map((r) => r.step)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  }, 120_000);
});
