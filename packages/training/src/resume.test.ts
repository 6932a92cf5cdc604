import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINTS_DIR } from './checkpoint.js';
import { LOG_FILE } from './pretrain.js';
import { ensureBuilt, PACKAGE_ROOT } from './test-utils/built-package.js';
import { readTrainingLog, type StepRecord } from './training-log.js';

const CHILD = join(PACKAGE_ROOT, 'src', 'test-utils', 'train-child.mjs');

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the training child; `killAfter` SIGKILLs it as soon as it reports that checkpoint. */
function runChild(outputDir: string, mode: 'start' | 'resume', killAfter?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, outputDir, mode], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (killAfter !== undefined && line === `checkpoint ${killAfter}`) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

const steps = (dir: string) => readTrainingLog(join(dir, LOG_FILE)).filter((r): r is StepRecord => r.kind === 'step');

describe('resume after SIGKILL', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 120_000);

  it('reproduces the uninterrupted run from the last checkpoint on', async () => {
    const uninterruptedDir = mkdtempSync(join(tmpdir(), 'ufbert-uninterrupted-'));
    const killedDir = mkdtempSync(join(tmpdir(), 'ufbert-killed-'));
    const [uninterrupted, killed] = await Promise.all([runChild(uninterruptedDir, 'start'), runChild(killedDir, 'start', 80)]);
    expect(uninterrupted, uninterrupted.stderr).toMatchObject({ code: 0 });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

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
  }, 120_000);
});
