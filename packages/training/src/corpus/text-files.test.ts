import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusError } from '../errors.js';
import { readCorpus, readEmbeddedCorpus } from './corpus.js';
import { readTextFiles } from './text-files.js';

describe('readTextFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ufbert-corpus-'));
  const good = join(dir, 'good.txt');
  writeFileSync(good, '\uFEFFFirst paragraph.\r\n\r\nSecond paragraph.\r\n');

  it('reads one document per file, normalising BOM and line endings', async () => {
    expect(await readTextFiles([good])).toEqual([{ source: 'file', id: good, text: 'First paragraph.\n\nSecond paragraph.' }]);
  });

  it('names every missing, empty or non-file path in one CorpusError', async () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const missing = join(dir, 'missing.txt');
    const error = await readTextFiles([good, missing, empty, folder]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorpusError);
    const message = (error as Error).message;
    expect(message).toContain(`${missing}: cannot open the corpus text file: no such file or folder (ENOENT)`);
    expect(message).toContain(`${empty}: the file is empty`);
    expect(message).toContain(`${folder}: is a folder, expected a regular corpus text file`);
    expect(message).not.toContain(`${good}:`);
  });

  it('refuses a FIFO and /dev/zero at once instead of blocking or filling memory', async () => {
    const fifo = join(dir, 'fifo.txt');
    if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
    const started = performance.now();
    const error = await readTextFiles([fifo, '/dev/zero']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorpusError);
    expect((error as Error).message).toContain(`${fifo}: is a FIFO, expected a regular corpus text file`);
    expect((error as Error).message).toContain('/dev/zero: is a character device, expected a regular corpus text file');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an empty file list and whitespace-only files', async () => {
    await expect(readTextFiles([])).rejects.toThrow(CorpusError);
    const blank = join(dir, 'blank.txt');
    writeFileSync(blank, '  \n\n ');
    await expect(readTextFiles([blank])).rejects.toThrow(/holds only whitespace/);
  });
});

describe('readCorpus', () => {
  it('reads embedded sources in order and refuses an empty corpus', async () => {
    const documents = await readCorpus({ embedded: ['moby-dick', 'sotu'] });
    expect(documents).toHaveLength(139 + 233);
    expect(documents[0].source).toBe('moby-dick');
    expect(documents.at(-1)!.source).toBe('sotu');
    await expect(readCorpus({ embedded: [] })).rejects.toThrow(CorpusError);
    await expect(readCorpus({ documents: [] })).rejects.toThrow(CorpusError);
  });

  it('reads the full default corpus', () => {
    const documents = readEmbeddedCorpus();
    expect(documents).toHaveLength(233 + 139 + 500);
    expect(new Set(documents.map((d) => d.source))).toEqual(new Set(['sotu', 'moby-dick', 'brown']));
  });
});
