import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 120_000 });
const STACK_LINE = /\n\s+at /;

describe.skipIf(!existsSync(main))('trainer exit codes and messages (built dist/main.js)', () => {
  it('exits 2 on usage errors, an unknown backend and inherited names as tasks included', () => {
    for (const args of [['--backend', 'nonsense'], ['--tasks', 'toString'], ['--tasks', '__proto__'], ['--bogus'], ['glue', '--data', '/nonexistent']]) {
      const result = run(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).not.toMatch(STACK_LINE);
    }
    expect(run('--tasks', 'toString').stderr).toMatch(/^trainer: --tasks: unknown 'toString'; expected some of spam, sentiment\n\nusage: /);
  }, 300_000);

  it('piped into head, exits quietly (141, as a process ended by SIGPIPE) once its reader is gone, and releases its lock', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trainer-epipe-'));
    const out = join(root, 'run');
    writeFileSync(join(root, 'corpus.txt'), 'the capital of france is paris. rome is a city in italy.\n\n'.repeat(200));
    const args = ['--corpus', join(root, 'corpus.txt'), '--steps', '5', '--vocab', '200', '--tasks', 'sentiment', '--backend', 'cpu', '--quiet', '--out', out];
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // What `head -n 1` does: read the first line, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(status).toBe(141);
    expect(readdirSync(out).filter((name) => name.includes('lock'))).toEqual([]);
  }, 300_000);

  it('checks every flag before the output folder exists: a refused seed or a repeated task leaves no folder behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-usage-'));
    for (const args of [
      ['--seed', '1e30'],
      ['--tasks', 'spam,spam'],
    ]) {
      const out = join(dir, args[0].slice(2));
      const result = run('--out', out, '--steps', '1', ...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
  }, 120_000);

  it('prints help and exits 0, for the trainer and for glue', () => {
    expect(run('--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^usage: .*\n[\s\S]*--seed N/) });
    expect(run('glue', '--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^usage: .* glue [\s\S]*--max-length N/) });
  }, 120_000);

  it('prints an expected GLUE failure as one line without a stack, and the stack with --debug', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-main-'));
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model', 'model.safetensors'), '');
    mkdirSync(join(dir, 'data', 'RTE'), { recursive: true });
    writeFileSync(join(dir, 'data', 'RTE', 'train.tsv'), 'index\tsentence1\tsentence2\tlabel\n0\tonly two\tcolumns\n');
    writeFileSync(join(dir, 'data', 'RTE', 'dev.tsv'), 'index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n');
    const args = ['glue', '--model', join(dir, 'model'), '--data', join(dir, 'data'), '--tasks', 'RTE', '--out', join(dir, 'out'), '--backend', 'cpu'];
    const plain = run(...args);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/^trainer: cannot start, the task files hold 1 problem:\n {2}- RTE: .*train\.tsv:2: /);
    expect(plain.stderr).not.toMatch(STACK_LINE);
    const debug = run(...args, '--debug');
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(STACK_LINE);
  }, 120_000);
});
