import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type FileErrorFactory, failFromErrno, fileLayerFailure } from './file-layer-error.js';
import { assertOrdinaryFileSystem } from './special-filesystem.js';
import { removePath, writeFileAtomic } from './write-file.js';

export interface FolderOptions {
  /** Says what the folder is, in messages: `output folder`. */
  what: string;
  /** The error to throw; default FileLayerError. */
  fail?: FileErrorFactory;
}

/**
 * Creates the folder `path` (and its parents) unless it exists; a folder on procfs, sysfs or
 * /dev is refused before any mkdir, since Node's recursive mkdir there never returns. A file
 * where the folder should be is reason 'not-folder'.
 */
export async function ensureFolder(path: string, options: FolderOptions): Promise<void> {
  ensureFolderSync(path, options);
}

/** ensureFolder without waiting, for synchronous callers (report writers). */
export function ensureFolderSync(path: string, options: FolderOptions): void {
  const fail = options.fail ?? fileLayerFailure(path);
  assertOrdinaryFileSystem(path, options.what, fail);
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw failFromErrno(error, path, `create the ${options.what}`, fail);
  }
  if (!statSync(path).isDirectory()) throw fail(`${path}: is not a folder, expected a ${options.what}`, 'not-folder');
}

/** ensureFolder, then proves the folder writable by writing and removing a probe file. */
export async function ensureWritableFolder(path: string, options: FolderOptions): Promise<void> {
  await ensureFolder(path, options);
  const fail = options.fail ?? fileLayerFailure(path);
  const probe = join(path, `.write-probe-${process.pid}`);
  try {
    await writeFileAtomic(probe, '');
    await removePath(probe);
  } catch (error) {
    throw fail(`${path}: cannot write to the ${options.what}: ${(error as Error).message}`, 'io');
  }
}

/** The entries of the folder `path` other than `ignore` (a lock file, say), sorted; none when it does not exist. */
export function folderEntries(path: string, ignore: readonly string[] = []): string[] {
  try {
    return readdirSync(path)
      .filter((name) => !ignore.includes(name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw failFromErrno(error, path, 'list the folder', fileLayerFailure(path));
  }
}

/** `<path>.replaced-<time>`: where an earlier output goes when a new one takes its place. */
export function asideName(path: string): string {
  return join(dirname(path), `${basename(path)}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
}

/**
 * Moves everything in the folder `path` but `keep` into a new sibling folder
 * `<path>.replaced-<time>` and returns that folder, so output started over never deletes the
 * one before it. Each entry is renamed, so this is cheap and stays on one file system.
 */
export async function moveFolderContentsAside(path: string, keep: readonly string[] = []): Promise<string> {
  const aside = asideName(path);
  try {
    mkdirSync(aside);
    for (const name of folderEntries(path, keep)) renameSync(join(path, name), join(aside, name));
  } catch (error) {
    throw failFromErrno(error, path, `move the earlier contents aside to ${aside}`, fileLayerFailure(path));
  }
  return aside;
}
