import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INHERITED_NAMES } from '@ufbert/tensor';
import { parseOptions, type TrainerOptions } from './options.js';
import { PreflightError, runTrainer } from './run.js';
import { LOCK_FILE, OutputLock, OutputLockedError } from '@ufbert/tensor/node';
import { CorpusError } from '@ufbert/training';

function options(args: string[]): TrainerOptions {
  const o = parseOptions(args, mkdtempSync(join(tmpdir(), 'trainer-')));
  if (o === 'help') throw new Error('unexpected help');
  return o;
}

describe('trainer preflight', () => {
  it('fails before any training on a missing corpus, an unwritable folder and a bad preset, listing all three', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trainer-'));
    const locked = join(root, 'locked');
    writeFileSync(locked, 'a file where a folder should be');
    chmodSync(locked, 0o444);
    const lines: string[] = [];
    const started = performance.now();
    const run = runTrainer(options(['--corpus', join(root, 'missing.txt'), '--out', join(locked, 'out'), '--fff-preset', 'UltraFastBERT-banana']), (l) =>
      lines.push(l),
    );
    await expect(run).rejects.toBeInstanceOf(PreflightError);
    await expect(
      runTrainer(options(['--corpus', join(root, 'missing.txt'), '--out', join(locked, 'out'), '--fff-preset', 'UltraFastBERT-banana']), () => {}),
    ).rejects.toThrow(
      /missing\.txt: cannot open the corpus text file: no such file[\s\S]*locked\/out: cannot create the output folder[\s\S]*UltraFastBERT-banana/,
    );
    expect(lines).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it.each(['/proc/self/out', '/proc/dir', '/sys/kernel/out'])(
    'refuses --out %s within a second, creating nothing (recursive mkdir there never returns)',
    async (out) => {
      const started = performance.now();
      await expect(runTrainer(options(['--out', out]), () => {})).rejects.toThrow(new RegExp(`  - ${out}: the output folder is on (procfs|sysfs)`));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(existsSync(out)).toBe(false);
    },
  );

  it('refuses --ff-preset toString (and every inherited name) as an unknown preset, which once trained a 110M-parameter crammedBERT-3072', async () => {
    for (const name of INHERITED_NAMES) {
      await expect(runTrainer(options(['--ff-preset', name]), () => {})).rejects.toThrow(
        new RegExp(`preset '${name}'.*\\n.*unknown preset; expected one of crammedBERT-3072`),
      );
    }
  });

  it('rejects an FF preset in the FFF slot', async () => {
    await expect(runTrainer(options(['--fff-preset', 'crammedBERT-tiny']), () => {})).rejects.toThrow('has no FFF blocks');
  });
});

describe('trainer output folder', () => {
  /** An output folder holding an earlier run's report and pretraining folder. */
  function earlierRun(): string {
    const out = mkdtempSync(join(tmpdir(), 'trainer-out-'));
    writeFileSync(join(out, 'report.md'), 'earlier report\n');
    mkdirSync(join(out, 'fff', 'pretrain'), { recursive: true });
    writeFileSync(join(out, 'fff', 'pretrain', 'train-log.jsonl'), '{"kind":"step","step":1}\n');
    return out;
  }

  it('refuses to start over an earlier run without --resume or --overwrite, touching nothing', async () => {
    const out = earlierRun();
    const run = runTrainer(options(['--out', out]), () => {});
    await expect(run).rejects.toBeInstanceOf(PreflightError);
    await expect(runTrainer(options(['--out', out]), () => {})).rejects.toThrow(
      /holds an earlier run \(fff, report\.md\); pass --resume to continue it, --overwrite to start over/,
    );
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe('earlier report\n');
    expect(readdirSync(out).sort()).toEqual(['fff', 'report.md']);
  });

  it('--overwrite moves the earlier run aside rather than deleting it', async () => {
    const out = earlierRun();
    const empty = join(mkdtempSync(join(tmpdir(), 'trainer-corpus-')), 'empty.txt');
    writeFileSync(empty, '');
    const lines: string[] = [];
    // The empty corpus stops the run right after the move, before any training.
    await expect(runTrainer(options(['--out', out, '--overwrite', '--corpus', empty]), (l) => lines.push(l))).rejects.toBeInstanceOf(CorpusError);
    const aside = lines.find((l) => l.startsWith('moved the earlier run to '))!.slice('moved the earlier run to '.length);
    expect(aside.startsWith(`${out}.replaced-`)).toBe(true);
    expect(readFileSync(join(aside, 'report.md'), 'utf8')).toBe('earlier report\n');
    expect(existsSync(join(aside, 'fff', 'pretrain', 'train-log.jsonl'))).toBe(true);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('fails at once on a folder another run holds, naming it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'trainer-out-'));
    const lock = OutputLock.acquire(out);
    try {
      await expect(runTrainer(options(['--out', out]), () => {})).rejects.toBeInstanceOf(OutputLockedError);
      await expect(runTrainer(options(['--out', out]), () => {})).rejects.toThrow(`in use by pid ${process.pid}`);
    } finally {
      lock.release();
    }
  });
});
