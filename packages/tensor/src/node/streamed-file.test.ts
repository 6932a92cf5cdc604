import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLayerError } from './file-layer-error.js';
import { createStreamedFile, followedKind, renameFolderInto, replaceWithLink, stagingFolderFor } from './streamed-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ufbert-streamed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createStreamedFile', () => {
  it('writes chunks under a hidden temporary name, visible under the target only once finished', async () => {
    const target = join(dir, 'blob');
    const file = await createStreamedFile(target, { what: 'blob' });
    await file.write(new Uint8Array([1, 2]));
    await file.write(new Uint8Array([3]));
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([file.path.slice(dir.length + 1)]);
    await file.finish(target);
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    await file.discard();
    expect(readdirSync(dir)).toEqual(['blob']);
  });

  it('leaves nothing when discarded, and removes the temporary of a killed writer before the next one', async () => {
    const folder = join(dir, 'partials');
    mkdirSync(folder);
    const file = await createStreamedFile(join(folder, 'a'), { what: 'blob' });
    await file.write(new Uint8Array(10));
    await file.discard();
    expect(readdirSync(folder)).toEqual([]);
    // pid 2^22 + 1 is above Linux's pid_max: no such process runs.
    writeFileSync(join(folder, `.b.ufbert-tmp-${2 ** 22 + 1}-abcdef`), 'left by a killed download');
    const next = await createStreamedFile(join(folder, 'c'), { what: 'blob' });
    expect(readdirSync(folder)).toEqual([next.path.slice(folder.length + 1)]);
    await next.discard();
  });

  it('refuses a folder on /proc before creating anything', async () => {
    await expect(createStreamedFile('/proc/self/blob', { what: 'blob' })).rejects.toThrow(FileLayerError);
  });
});

describe('links and folders', () => {
  it('replaces a file by a relative link in one rename, and follows links in followedKind', async () => {
    const folder = join(dir, 'snap');
    mkdirSync(join(folder, 'blobs'), { recursive: true });
    writeFileSync(join(folder, 'blobs', 'x'), 'bytes');
    writeFileSync(join(folder, 'file'), 'old');
    await replaceWithLink(join(folder, 'file'), 'blobs/x', { what: 'snapshot file' });
    expect(lstatSync(join(folder, 'file')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(folder, 'file'))).toBe('blobs/x');
    expect(await followedKind(join(folder, 'file'))).toBe('file');
    symlinkSync('blobs/none', join(folder, 'dangling'));
    expect(await followedKind(join(folder, 'dangling'))).toBe('missing');
    expect(await followedKind(join(folder, 'blobs'))).toBe('folder');
  });

  it('renames a staged folder into place, and says false when the place is taken', async () => {
    const target = join(dir, 'snapshot');
    const staged = stagingFolderFor(target);
    mkdirSync(staged);
    writeFileSync(join(staged, 'a'), 'a');
    expect(await renameFolderInto(staged, target, { what: 'snapshot' })).toBe(true);
    const second = stagingFolderFor(target);
    mkdirSync(second);
    writeFileSync(join(second, 'b'), 'b');
    expect(await renameFolderInto(second, target, { what: 'snapshot' })).toBe(false);
    expect(readdirSync(target)).toEqual(['a']);
  });
});
