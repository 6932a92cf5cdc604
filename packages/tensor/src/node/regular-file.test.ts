import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UfbertError } from '../errors.js';
import { InputFileError, readTextFile } from './legacy-names.js';

const dir = mkdtempSync(join(tmpdir(), 'ufbert-text-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { what: 'tokenizer.json file', maxBytes: 64 };

describe('readTextFile', () => {
  it('reads a regular file within its limit', async () => {
    writeFileSync(join(dir, 'ok.json'), '{"a": "é"}');
    expect(await readTextFile(join(dir, 'ok.json'), options)).toBe('{"a": "é"}');
  });

  it('refuses a larger file before reading it', async () => {
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(65));
    await expect(readTextFile(join(dir, 'big.json'), options)).rejects.toThrow(
      /big\.json: is 65 bytes, more than the 64-byte limit for a tokenizer\.json file$/,
    );
  });

  it('refuses /dev/zero and a FIFO at once, by type', async () => {
    const started = performance.now();
    await expect(readTextFile('/dev/zero', options)).rejects.toThrow(
      new InputFileError('/dev/zero', 'not-regular', '/dev/zero: is a character device, expected a regular tokenizer.json file'),
    );
    if (spawnSync('mkfifo', [join(dir, 'fifo')]).status === 0) {
      await expect(readTextFile(join(dir, 'fifo'), options)).rejects.toThrow(/fifo: is a FIFO, expected a regular tokenizer\.json file$/);
    }
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("throws the caller's typed error", async () => {
    class TokenizerProblem extends UfbertError {}
    await expect(readTextFile(join(dir, 'missing.json'), { ...options, fail: (m) => new TokenizerProblem(m) })).rejects.toThrow(TokenizerProblem);
    await expect(readTextFile(join(dir, 'missing.json'), options)).rejects.toThrow(
      /missing\.json: cannot open the tokenizer.json file: no such file or folder \(ENOENT\)$/,
    );
  });
});
