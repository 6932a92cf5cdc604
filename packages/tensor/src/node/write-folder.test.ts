import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLayerError } from './file-layer-error.js';
import { FOLDER_MANIFEST_FILE } from './folder-manifest.js';
import { readFolderSnapshot } from './read-folder.js';
import { writeFolderAtomic } from './write-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'ufbert-write-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const LIMITS = { maxBytes: 1 << 20 };

async function refusal(promise: Promise<unknown>): Promise<FileLayerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileLayerError);
  return error as FileLayerError;
}

describe('writeFolderAtomic', () => {
  it('writes every file and a manifest of their sizes and SHA-256 digests, subfolders included', async () => {
    const folder = join(dir, 'model');
    const weights = new Uint8Array([1, 2, 3, 4]);
    const { manifest } = await writeFolderAtomic(folder, { 'config.json': '{"a":1}', 'onnx/model.onnx': weights }, { kind: 'crammed-bert-model' });
    expect(readdirSync(folder).sort()).toEqual(['config.json', 'onnx', FOLDER_MANIFEST_FILE]);
    expect(JSON.parse(readFileSync(join(folder, FOLDER_MANIFEST_FILE), 'utf8'))).toEqual({
      kind: 'crammed-bert-model',
      files: { 'config.json': { size: 7, sha256: sha256('{"a":1}') }, 'onnx/model.onnx': { size: 4, sha256: sha256(weights) } },
    });
    expect(manifest.kind).toBe('crammed-bert-model');
    const snapshot = await readFolderSnapshot(folder, ['config.json', 'onnx/model.onnx'], LIMITS);
    expect(text(snapshot.files['config.json'])).toBe('{"a":1}');
    expect([...snapshot.files['onnx/model.onnx']]).toEqual([1, 2, 3, 4]);
    expect(snapshot.manifest?.kind).toBe('crammed-bert-model');
  });

  it('replaces a folder of the same kind whole: files of the old version that the new lacks are gone', async () => {
    const folder = join(dir, 'same-kind');
    await writeFolderAtomic(folder, { 'config.json': 'old', 'labels.json': '[]' }, { kind: 'classifier' });
    const result = await writeFolderAtomic(folder, { 'config.json': 'new' }, { kind: 'classifier' });
    expect(result.movedAside).toBeUndefined();
    expect(readdirSync(folder).sort()).toEqual(['config.json', FOLDER_MANIFEST_FILE]);
    expect(readdirSync(dir).filter((name) => name.includes('same-kind'))).toEqual(['same-kind']);
  });

  it('refuses a folder of another kind, or one it did not write, unless overwrite, which moves it aside', async () => {
    const folder = join(dir, 'other-kind');
    await writeFolderAtomic(folder, { 'config.json': 'classifier' }, { kind: 'classifier' });
    const error = await refusal(writeFolderAtomic(folder, { 'model.onnx': 'x' }, { kind: 'onnx-export' }));
    expect(error.reason).toBe('exists');
    expect(error.message).toBe(
      `${folder}: holds a folder of kind 'classifier', expected nothing or a 'onnx-export' folder; choose another folder or pass overwrite (it is moved aside)`,
    );
    expect(readFileSync(join(folder, 'config.json'), 'utf8')).toBe('classifier');

    const { movedAside } = await writeFolderAtomic(folder, { 'model.onnx': 'x' }, { kind: 'onnx-export', overwrite: true });
    expect(movedAside).toMatch(/other-kind\.replaced-\d{4}-/);
    expect(readFileSync(join(movedAside!, 'config.json'), 'utf8')).toBe('classifier');
    expect(readdirSync(folder).sort()).toEqual(['model.onnx', FOLDER_MANIFEST_FILE]);

    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    expect((await refusal(writeFolderAtomic(foreign, { a: 'b' }, { kind: 'model' }))).message).toMatch(/holds a folder without a ufbert manifest/);
    mkdirSync(join(dir, 'empty'));
    await writeFolderAtomic(join(dir, 'empty'), { a: 'b' }, { kind: 'model' });
  });

  it('refuses names that would leave the folder', async () => {
    for (const name of ['../escape', 'a/../../b', '/abs', FOLDER_MANIFEST_FILE, 'a//b']) {
      await expect(writeFolderAtomic(join(dir, 'names'), { [name]: 'x' }, { kind: 'model' })).rejects.toThrow(
        /is not a file name for a folder written as a unit/,
      );
    }
    expect(existsSync(join(dir, 'escape'))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('names'))).toEqual([]);
  });

  it('removes the temporary folder a killed write left beside it', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const leftover = join(dir, `.killed.ufbert-tmp-${dead}-0123456789ab`);
    mkdirSync(leftover);
    writeFileSync(join(leftover, 'model.safetensors'), 'half');
    await writeFolderAtomic(join(dir, 'killed'), { 'config.json': '{}' }, { kind: 'model' });
    expect(existsSync(leftover)).toBe(false);
  });

  it('a replace killed between its two renames leaves the old folder, put back by the next read or write, never no folder at all', async () => {
    // The swap moves the old folder to a hidden sibling, then the new one in: SIGKILL at the second rename.
    const script = `
      import fs from 'node:fs';
      import { syncBuiltinESMExports } from 'node:module';
      const { writeFolderAtomic } = await import(process.argv[1]);
      const path = process.argv[2];
      await writeFolderAtomic(path, { 'config.json': '{"v":1}' }, { kind: 'model' });
      const rename = fs.renameSync;
      fs.renameSync = (from, to) => (to === path ? process.kill(process.pid, 'SIGKILL') : rename(from, to));
      syncBuiltinESMExports();
      await writeFolderAtomic(path, { 'config.json': '{"v":2}' }, { kind: 'model' });
    `;
    // The child runs the built layer (Node 20 runs no TypeScript).
    ensureBuilt(fileURLToPath(new URL('../..', import.meta.url)));
    const layer = new URL('../../dist/node/index.js', import.meta.url).href;
    for (const next of ['read', 'write'] as const) {
      const folder = join(dir, `interrupted-${next}`);
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, layer, folder], { encoding: 'utf8' });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      expect(existsSync(folder)).toBe(false);
      if (next === 'read') {
        const snapshot = await readFolderSnapshot(folder, ['config.json'], LIMITS);
        expect(text(snapshot.files['config.json'])).toBe('{"v":1}');
      } else {
        await writeFolderAtomic(join(dir, 'interrupted-neighbour'), { 'config.json': '{}' }, { kind: 'model' });
        expect(readFileSync(join(folder, 'config.json'), 'utf8')).toBe('{"v":1}');
      }
      expect(readdirSync(dir).filter((name) => name.startsWith(`.interrupted-${next}.`))).toEqual(
        next === 'read' ? [expect.stringContaining('.ufbert-tmp-')] : [],
      );
    }
  });
});

describe('readFolderSnapshot', () => {
  it('reads a folder without a manifest (written by Python, say) as is, optional names left out', async () => {
    const folder = join(dir, 'python');
    mkdirSync(folder);
    writeFileSync(join(folder, 'config.json'), '{}');
    const snapshot = await readFolderSnapshot(folder, ['config.json', 'labels.json'], { ...LIMITS, optional: ['labels.json'] });
    expect(snapshot.manifest).toBeUndefined();
    expect(Object.keys(snapshot.files)).toEqual(['config.json']);
    expect((await refusal(readFolderSnapshot(folder, ['labels.json'], LIMITS))).reason).toBe('missing');
  });

  it('refuses a file over its own limit, a missing folder, and a file its manifest does not list', async () => {
    const folder = join(dir, 'limits');
    await writeFolderAtomic(folder, { 'config.json': '{"long": true}' }, { kind: 'model' });
    expect((await refusal(readFolderSnapshot(folder, ['config.json'], { maxBytes: { 'config.json': 4 } }))).reason).toBe('too-large');
    expect((await refusal(readFolderSnapshot(join(dir, 'absent'), ['config.json'], LIMITS))).reason).toBe('missing');
    expect((await refusal(readFolderSnapshot(folder, ['tokenizer.json'], LIMITS))).message).toMatch(/manifest lists no 'tokenizer.json'/);
  });

  it('does not return files that disagree with the manifest (edited by hand), after its patience runs out', async () => {
    const folder = join(dir, 'tampered');
    await writeFolderAtomic(folder, { 'config.json': '{"a":1}' }, { kind: 'model' });
    writeFileSync(join(folder, 'config.json'), '{"a":2}');
    const error = await refusal(readFolderSnapshot(folder, ['config.json'], { ...LIMITS, patienceMs: 100 }));
    expect(error.message).toMatch(/kept changing while it was read .*expected its files to match its manifest/);
  });
});
