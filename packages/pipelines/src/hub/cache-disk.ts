// The hub cache's disk operations that the guarded file layer (@ufbert/tensor/node) does not
// offer as one call: a file streamed to disk under a temporary name, a relative symbolic link
// replaced atomically, and a finished folder renamed into place. Everything else goes through the layer.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm, stat, symlink, type FileHandle } from 'node:fs/promises';
import { DownloadError } from '../errors.js';

/** The suffix of a file being downloaded: never read as a blob, removed when its download fails. */
export const INCOMPLETE = '.incomplete';

/** A file being written chunk by chunk under a temporary sibling name, moved onto its target only when finished. */
export interface PartialFile {
  readonly path: string;
  write(chunk: Uint8Array): Promise<void>;
  /** fsync, close, rename onto `target` (a blob named by its digest: replacing one replaces equal bytes). */
  finish(target: string): Promise<void>;
  /** Close and remove; safe to call after finish or twice. */
  discard(): Promise<void>;
}

/** A new partial file beside `target`: created exclusively, never through a link. */
export async function createPartialFile(target: string): Promise<PartialFile> {
  const path = `${target}.${randomBytes(6).toString('hex')}${INCOMPLETE}`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    throw new DownloadError(`cannot create ${path}: ${(error as Error).message}`, path);
  }
  let open_ = true;
  const close = async () => {
    if (open_) {
      open_ = false;
      await handle!.close();
    }
  };
  return {
    path,
    async write(chunk) {
      let at = 0;
      while (at < chunk.length) at += (await handle!.write(chunk, at, chunk.length - at)).bytesWritten;
    },
    async finish(finalPath) {
      await handle!.sync();
      await close();
      await rename(path, finalPath);
    },
    async discard() {
      await close().catch(() => undefined);
      await rm(path, { force: true });
    },
  };
}

/** `linkPath` becomes a symbolic link to `target` (relative, as huggingface_hub writes them), replacing what was there in one rename. */
export async function replaceWithLink(linkPath: string, target: string): Promise<void> {
  const temporary = `${linkPath}.${randomBytes(6).toString('hex')}.link`;
  await symlink(target, temporary);
  try {
    await rename(temporary, linkPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Renames a finished folder onto `to`; false when `to` already exists (another process finished first). */
export async function renameFolderInto(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}

/** A regular file, or a link (huggingface_hub's, or one made by hand) that leads to one; a dangling link is not. */
export async function leadsToRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A folder, or a link that leads to one. */
export async function leadsToFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
