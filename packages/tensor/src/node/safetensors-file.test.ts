import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsError } from '../safetensors.js';
import { openSafetensorsFile, readSafetensorsFile } from './safetensors-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ufbert-special-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

async function rejection(path: string): Promise<Error> {
  const error = await readSafetensorsFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafetensorsError);
  return error as Error;
}

describe('safetensors from anything but a regular file', () => {
  it.skipIf(!hasMkfifo)('rejects a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'model.safetensors');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const started = performance.now();
    expect((await rejection(fifo)).message).toBe(`${fifo}: is a FIFO, expected a regular safetensors file`);
    await expect(openSafetensorsFile(fifo)).rejects.toThrow(SafetensorsError);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('rejects a character device without reading it', async () => {
    expect((await rejection('/dev/zero')).message).toBe('/dev/zero: is a character device, expected a regular safetensors file');
  });

  it('says what is wrong with a missing file, a folder and a symbolic link loop, as a SafetensorsError', async () => {
    expect((await rejection(join(dir, 'missing.safetensors'))).message).toMatch(
      /missing\.safetensors: cannot open the safetensors file: no such file or folder \(ENOENT\)$/,
    );
    expect((await rejection(dir)).message).toMatch(/: is a folder, expected a regular safetensors file$/);
    const loop = join(dir, 'loop');
    symlinkSync(loop, loop);
    expect((await rejection(loop)).message).toMatch(/loop: cannot open the safetensors file: is a symbolic link loop \(ELOOP\)$/);
  });

  it('rejects a procfs file by its size before parsing', async () => {
    // procfs reports size 0 for files whose contents are generated on read.
    expect((await rejection('/proc/self/status')).message).toMatch(/file is 0 bytes, shorter than the 8-byte header length prefix/);
  });
});
