import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { FileLayerError } from './file-layer-error.js';
import { pathKind } from './path-kind.js';
import { AppendFile } from './append-file.js';
import { removePath, writeFileAtomic, writeJsonAtomic } from './write-file.js';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ufbert-write-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modeOf = (path: string): number => statSync(path).mode & 0o7777;

describe('writeFileAtomic', () => {
  it("replaces a relative symbolic link by the file, leaving its target and the target's mode untouched", async () => {
    const cache = join(dir, 'model', 'onnx-cache');
    mkdirSync(cache, { recursive: true });
    const outside = join(dir, 'precious.txt');
    writeFileSync(outside, 'keep me');
    chmodSync(outside, 0o600);
    // The link a cloned repository or an unpacked tarball may hold, pointing out of the folder.
    symlinkSync('../../precious.txt', join(cache, 'model.onnx'));
    const links: [string, string][] = [];
    await writeFileAtomic(join(cache, 'model.onnx'), new Uint8Array([1, 2, 3]), { onLink: (path, target) => links.push([path, target]) });
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    expect(modeOf(outside)).toBe(0o600);
    expect(pathKind(join(cache, 'model.onnx'))).toBe('file');
    expect([...readFileSync(join(cache, 'model.onnx'))]).toEqual([1, 2, 3]);
    expect(links).toEqual([[join(cache, 'model.onnx'), '../../precious.txt']]);
  });

  it('keeps the mode of the regular file it replaces, and sets a requested one exactly', async () => {
    const file = join(dir, 'secret.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o600);
    await writeJsonAtomic(file, { a: 1 });
    expect(modeOf(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('{\n  "a": 1\n}\n');
    chmodSync(file, 0o751);
    await writeFileAtomic(file, 'x');
    expect(modeOf(file)).toBe(0o751);
    await writeFileAtomic(join(dir, 'new.txt'), 'x', { mode: 0o640 });
    expect(modeOf(join(dir, 'new.txt'))).toBe(0o640);
  });

  it('writes a sequence of chunks and leaves no temporary behind', async () => {
    const folder = mkdtempSync(join(dir, 'chunks-'));
    await writeFileAtomic(join(folder, 'w.bin'), [new Uint8Array([1]), new Uint8Array([2, 3])]);
    expect([...readFileSync(join(folder, 'w.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(folder)).toEqual(['w.bin']);
  });

  it('refuses a folder where the file should go, and cleans up after a failed write', async () => {
    const folder = mkdtempSync(join(dir, 'fail-'));
    mkdirSync(join(folder, 'taken'));
    const error = await writeFileAtomic(join(folder, 'taken'), 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileLayerError);
    expect((error as FileLayerError).reason).toBe('not-regular');
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(10);
      throw new FileLayerError('x', 'io', 'the producer failed');
    }
    await expect(writeFileAtomic(join(folder, 'half.bin'), failing())).rejects.toThrow('the producer failed');
    expect(readdirSync(folder)).toEqual(['taken']);
  });

  it('removes a file, a folder, or a link without touching its target', async () => {
    const folder = mkdtempSync(join(dir, 'remove-'));
    writeFileSync(join(folder, 'target'), 'stay');
    symlinkSync('target', join(folder, 'link'));
    await removePath(join(folder, 'link'));
    expect(readFileSync(join(folder, 'target'), 'utf8')).toBe('stay');
    await removePath(folder);
    await removePath(folder);
    expect(existsSync(folder)).toBe(false);
  });
});

describe('a write killed halfway', () => {
  beforeAll(() => ensureBuilt(PACKAGE_ROOT), 120_000);

  it('leaves a temporary that the next write in the folder removes', async () => {
    const folder = mkdtempSync(join(dir, 'killed-'));
    const target = join(folder, 'model.onnx');
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'src', 'node', 'test-utils', 'killed-write.mjs'), target], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => createInterface({ input: child.stdout }).once('line', () => resolve()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const leftovers = readdirSync(folder);
    expect(leftovers).toEqual([expect.stringMatching(new RegExp(`^\\.model\\.onnx\\.ufbert-tmp-${child.pid}-[0-9a-f]+$`))]);
    expect(existsSync(target)).toBe(false);
    await writeFileAtomic(join(folder, 'other.json'), '{}');
    expect(readdirSync(folder)).toEqual(['other.json']);
  });
});

describe('AppendFile', () => {
  it('appends line by line to a regular file, and refuses a link or a FIFO at the path', async () => {
    const folder = mkdtempSync(join(dir, 'append-'));
    const log = AppendFile.open(join(folder, 'log.jsonl'), { what: 'training log' });
    log.append('a\n');
    log.append('b\n');
    log.close();
    expect(readFileSync(join(folder, 'log.jsonl'), 'utf8')).toBe('a\nb\n');
    writeFileSync(join(folder, 'elsewhere'), 'keep');
    symlinkSync('elsewhere', join(folder, 'linked.jsonl'));
    expect(() => AppendFile.open(join(folder, 'linked.jsonl'), { what: 'training log' })).toThrow(expect.objectContaining({ reason: 'link' }));
    expect(readFileSync(join(folder, 'elsewhere'), 'utf8')).toBe('keep');
    expect(() => AppendFile.open('/dev/null', { what: 'training log' })).toThrow(expect.objectContaining({ reason: 'special-filesystem' }));
  });
});
