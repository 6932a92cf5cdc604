// Stand-in for @ufbert/tensor/node's contract (branch fs-layer) until it lands: the same names
// and shapes, so the switch is this file becoming a re-export.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelLoadError } from '../errors.js';

export type PathKind = 'missing' | 'file' | 'folder' | 'link' | 'special';

export async function pathKind(path: string): Promise<PathKind> {
  try {
    const stat = await lstat(path);
    return stat.isSymbolicLink() ? 'link' : stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'special';
  } catch {
    return 'missing';
  }
}

export async function readText(path: string, options: { what: string; maxBytes: number }): Promise<string> {
  const handle = await open(path, 'r').catch((error: Error) => {
    throw new ModelLoadError(`cannot read ${options.what} ${path}: ${error.message}`);
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ModelLoadError(`expected ${options.what} ${path} to be a regular file`);
    if (stat.size > options.maxBytes) throw new ModelLoadError(`expected ${options.what} ${path} of at most ${options.maxBytes} bytes, got ${stat.size}`);
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

export async function ensureFolder(path: string, options: { what: string }): Promise<void> {
  const absolute = resolve(path);
  if (/^\/(proc|sys|dev)(\/|$)/.test(absolute)) throw new ModelLoadError(`expected ${options.what} on an ordinary file system, got ${path}`);
  await mkdir(absolute, { recursive: true });
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

export async function removePath(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

export async function listFolder(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}
