import { constants } from 'node:fs';
import { open, rename, rm, stat, symlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type FileErrorFactory, failFromErrno, fileLayerFailure } from './file-layer-error.js';
import { assertOrdinaryFileSystem } from './special-filesystem.js';
import { syncFolder } from './write-file.js';
import { removeStaleTemporaries, temporarySibling } from './temporary-names.js';

// What a download cache needs beyond whole-file writes: a file written chunk by chunk as it
// arrives (never held whole in memory), relative symbolic links as Python's huggingface_hub
// makes them in its cache, and a finished folder renamed into place in one step.

/** A file being written chunk by chunk under a hidden temporary sibling, moved onto its target only when finished. */
export interface StreamedFile {
  /** The temporary file's path. */
  readonly path: string;
  write(chunk: Uint8Array): Promise<void>;
  /** fsync, close and rename onto `target` (in the same folder as the one given at creation). */
  finish(target: string): Promise<void>;
  /** Close and remove the temporary file; safe after finish and twice. */
  discard(): Promise<void>;
}

/**
 * A new temporary file beside `target`, created with O_EXCL|O_NOFOLLOW (never an existing file,
 * never through a link), after removing the temporaries of killed writers in that folder: a
 * partial download is never found under a name a reader uses, and never outlives its writer.
 */
export async function createStreamedFile(target: string, options: { what: string; fail?: FileErrorFactory }): Promise<StreamedFile> {
  const fail = options.fail ?? fileLayerFailure(target);
  const folder = dirname(target);
  assertOrdinaryFileSystem(folder, `folder of the ${options.what}`, fail);
  removeStaleTemporaries(folder);
  const path = temporarySibling(target);
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    throw failFromErrno(error, target, `create a temporary file for the ${options.what}`, fail);
  }
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    path,
    async write(chunk) {
      try {
        for (let at = 0; at < chunk.length; ) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
      } catch (error) {
        throw failFromErrno(error, target, `write the ${options.what}`, fail);
      }
    },
    async finish(finalPath) {
      try {
        await handle.sync();
        await close();
        await rename(path, finalPath);
      } catch (error) {
        throw failFromErrno(error, finalPath, `write the ${options.what}`, fail);
      }
      syncFolder(dirname(finalPath));
    },
    async discard() {
      await close().catch(() => undefined);
      await rm(path, { force: true });
    },
  };
}

/** `linkPath` becomes a symbolic link to `target` (relative or not, as given), replacing what was there in one rename. */
export async function replaceWithLink(linkPath: string, target: string, options: { what: string; fail?: FileErrorFactory }): Promise<void> {
  const fail = options.fail ?? fileLayerFailure(linkPath);
  assertOrdinaryFileSystem(dirname(linkPath), `folder of the ${options.what}`, fail);
  const temporary = temporarySibling(linkPath);
  try {
    await symlink(target, temporary);
    await rename(temporary, linkPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw failFromErrno(error, linkPath, `link the ${options.what}`, fail);
  }
}

/**
 * A fresh hidden temporary name beside `path` to build a folder under, the temporaries of killed
 * writers there removed first; `renameFolderInto` then moves it onto `path`.
 */
export function stagingFolderFor(path: string): string {
  removeStaleTemporaries(dirname(path));
  return temporarySibling(path);
}

/** Renames a finished folder onto `to` in one step; false when `to` already exists (another writer finished first). */
export async function renameFolderInto(from: string, to: string, options: { what: string; fail?: FileErrorFactory }): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw failFromErrno(error, to, `move the ${options.what} into place`, options.fail ?? fileLayerFailure(to));
  }
}

/** What a path leads to once links are followed: a dangling link is 'missing'. */
export async function followedKind(path: string): Promise<'missing' | 'file' | 'folder' | 'special'> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'folder' : 'special';
  } catch {
    return 'missing';
  }
}
