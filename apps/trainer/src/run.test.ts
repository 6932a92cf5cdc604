import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions, type TrainerOptions } from './options.js';
import { PreflightError, runTrainer } from './run.js';

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
    const run = runTrainer(options(['--corpus', join(root, 'missing.txt'), '--out', join(locked, 'out'), '--fff-preset', 'UltraFastBERT-banana']), (l) => lines.push(l));
    await expect(run).rejects.toBeInstanceOf(PreflightError);
    await expect(runTrainer(options(['--corpus', join(root, 'missing.txt'), '--out', join(locked, 'out'), '--fff-preset', 'UltraFastBERT-banana']), () => {})).rejects.toThrow(
      /missing\.txt does not exist[\s\S]*not writable[\s\S]*UltraFastBERT-banana/,
    );
    expect(lines).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('rejects an FF preset in the FFF slot', async () => {
    await expect(runTrainer(options(['--fff-preset', 'crammedBERT-tiny']), () => {})).rejects.toThrow('has no FFF blocks');
  });
});
