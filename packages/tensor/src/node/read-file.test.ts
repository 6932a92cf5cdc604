import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { FileLayerError } from './file-layer-error.js';
import { FILE_LIMITS } from './file-limits.js';
import { listFolder, pathKind } from './path-kind.js';
import { readBytes, readJson, readText, readTextChunks, sha256File } from './read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ufbert-read-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

async function refusal(promise: Promise<unknown>): Promise<FileLayerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileLayerError);
  return error as FileLayerError;
}

describe('readBytes, readText, readJson', () => {
  it('read a regular file within its limit', async () => {
    writeFileSync(join(dir, 'ok.json'), '{"a": "é"}');
    expect(await readText(join(dir, 'ok.json'), { what: 'config', maxBytes: 64 })).toBe('{"a": "é"}');
    expect(await readJson(join(dir, 'ok.json'), { what: 'config', maxBytes: 64 })).toEqual({ a: 'é' });
    expect([...(await readBytes(join(dir, 'ok.json'), { what: 'config', maxBytes: 64 }))].length).toBe(11);
  });

  it.skipIf(!hasMkfifo)('refuse a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'tokenizer.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const started = performance.now();
    const error = await refusal(readJson(fifo, { what: 'tokenizer file', maxBytes: FILE_LIMITS.tokenizer }));
    expect(error.reason).toBe('not-regular');
    expect(error.path).toBe(fifo);
    expect(error.message).toBe(`${fifo}: is a FIFO, expected a regular tokenizer file`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuse /dev/zero and a link to it without reading a byte', async () => {
    const link = join(dir, 'model.safetensors');
    symlinkSync('/dev/zero', link);
    for (const path of ['/dev/zero', link]) {
      const error = await refusal(readBytes(path, { what: 'weights file', maxBytes: FILE_LIMITS.weights }));
      expect(error.reason).toBe('not-regular');
      expect(error.message).toBe(`${path}: is a character device, expected a regular weights file`);
    }
  });

  it('refuse an oversized file before allocating its size', async () => {
    // A sparse 64 GiB file: allocating it would throw a RangeError (or exhaust memory), not a FileLayerError.
    const huge = join(dir, 'huge.json');
    const fd = openSync(huge, 'w');
    closeSync(fd);
    spawnSync('truncate', ['-s', '64G', huge]);
    const started = performance.now();
    const error = await refusal(readJson(huge, { what: 'config file', maxBytes: FILE_LIMITS.json }));
    expect(error.reason).toBe('too-large');
    expect(error.message).toBe(`${huge}: is ${64 * 2 ** 30} bytes, more than the ${FILE_LIMITS.json}-byte limit for a config file`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("say what is missing or malformed, through the caller's typed error when given", async () => {
    const missing = await refusal(readText(join(dir, 'nope.txt'), { what: 'corpus file', maxBytes: 10 }));
    expect(missing.reason).toBe('missing');
    expect(missing.message).toMatch(/nope\.txt: cannot open the corpus file: no such file or folder \(ENOENT\)$/);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect((await refusal(readJson(join(dir, 'bad.json'), { what: 'config', maxBytes: 10 }))).message).toMatch(
      /bad\.json: is not valid JSON \(expected a config\)/,
    );
    class ConfigProblem extends Error {}
    await expect(readText(dir, { what: 'config', maxBytes: 10, fail: (m) => new ConfigProblem(m) })).rejects.toThrow(ConfigProblem);
  });
});

describe('sha256File, pathKind, listFolder', () => {
  it('hash a file as its bytes hash, under the limit only', async () => {
    const bytes = new Uint8Array(3_000_000).map((_, i) => i * 7);
    writeFileSync(join(dir, 'w.bin'), bytes);
    expect(await sha256File(join(dir, 'w.bin'), { maxBytes: FILE_LIMITS.weights })).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await refusal(sha256File(join(dir, 'w.bin'), { maxBytes: 10 }))).reason).toBe('too-large');
    expect((await refusal(sha256File('/dev/zero', { maxBytes: FILE_LIMITS.weights }))).reason).toBe('not-regular');
  });

  it('tell files, folders, links, special files and nothing apart without following links', () => {
    const folder = mkdtempSync(join(dir, 'kinds-'));
    writeFileSync(join(folder, 'f'), '');
    symlinkSync('f', join(folder, 'l'));
    expect(pathKind(join(folder, 'f'))).toBe('file');
    expect(pathKind(folder)).toBe('folder');
    expect(pathKind(join(folder, 'l'))).toBe('link');
    expect(pathKind('/dev/null')).toBe('special');
    expect(pathKind(join(folder, 'none'))).toBe('missing');
    expect(pathKind(join(folder, 'f', 'under-a-file'))).toBe('missing');
    expect(listFolder(folder)).toEqual(['f', 'l']);
    expect(() => listFolder(join(folder, 'f'))).toThrow(expect.objectContaining({ reason: 'not-folder' }));
    expect(() => listFolder(join(folder, 'none'))).toThrow(expect.objectContaining({ reason: 'missing' }));
  });
});

describe('readTextChunks', () => {
  it('gives the text of a file larger than one slice whole, multi-byte characters across slices intact', async () => {
    // 'é' is two bytes; an odd prefix puts one across the 16 MiB slice boundary.
    const text = `x${'é'.repeat(9_000_000)}`;
    writeFileSync(join(dir, 'big.tsv'), text);
    let joined = '';
    let pieces = 0;
    for await (const piece of readTextChunks(join(dir, 'big.tsv'), { what: 'TSV file', maxBytes: FILE_LIMITS.text })) {
      joined += piece;
      pieces++;
    }
    expect(pieces).toBe(2);
    expect(joined === text).toBe(true);
  });

  it('refuses a FIFO or an oversized file before the first piece', async () => {
    const chunks = readTextChunks('/dev/zero', { what: 'TSV file', maxBytes: FILE_LIMITS.text });
    expect((await refusal(chunks.next())).reason).toBe('not-regular');
    writeFileSync(join(dir, 'small.tsv'), 'abc');
    expect((await refusal(readTextChunks(join(dir, 'small.tsv'), { what: 'TSV file', maxBytes: 2 }).next())).reason).toBe('too-large');
  });
});
