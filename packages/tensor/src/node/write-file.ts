import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { type FileErrorFactory, failFromErrno, fileLayerFailure } from './file-layer-error.js';
import { assertOrdinaryFileSystem } from './special-filesystem.js';
import { removeStaleTemporaries, temporarySibling } from './temporary-names.js';

/** Writes go in slices this large (one write of gigabytes fails with EINVAL on some kernels). */
const WRITE_CHUNK = 16 * 1024 * 1024;

/** What a file is written from: bytes, text, or a sequence of byte chunks (a checkpoint tensor by tensor). */
export type FileContents = Uint8Array | string | Iterable<Uint8Array>;

export interface WriteFileOptions {
  /** Mode of a new file; default 0o666 less the umask. A file replaced keeps its own mode unless this is given. */
  mode?: number;
  /** Called when a symbolic link stood at the path: it was replaced by the file, never written through. */
  onLink?: (path: string, target: string) => void;
  /** Says what the file is, in messages. */
  what?: string;
  /** The error to throw; default FileLayerError. */
  fail?: FileErrorFactory;
}

function* chunksOf(contents: FileContents): Iterable<Uint8Array> {
  if (typeof contents === 'string') yield new TextEncoder().encode(contents);
  else if (contents instanceof Uint8Array) yield contents;
  else yield* contents;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(WRITE_CHUNK, bytes.length - done));
}

/** The mode to keep (a regular file replaced) and the link to report, from what stands at `path` now. */
function inspectTarget(path: string, what: string, fail: FileErrorFactory): { keptMode?: number; linkTarget?: string } {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw failFromErrno(error, path, `inspect the ${what}`, fail);
  }
  if (stats.isSymbolicLink()) return { linkTarget: readlinkSync(path) };
  if (stats.isDirectory()) throw fail(`${path}: is a folder, expected a ${what} (or nothing) there`, 'not-regular');
  return stats.isFile() ? { keptMode: stats.mode & 0o7777 } : {};
}

/** Fsyncs a folder so a rename in it survives a crash; some file systems refuse, which costs only durability. */
export function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort: the rename itself already happened
  }
}

/**
 * Writes `contents` so that readers see the old file or the new, never a torn one: the bytes
 * go to a hidden temporary sibling created with O_EXCL|O_NOFOLLOW (never an existing file,
 * never through a link), are fsynced, and the temporary is renamed over `path`. A symbolic
 * link at `path` is replaced by the file (its target untouched) and reported to `onLink`; a
 * regular file replaced keeps its mode. Temporaries of killed writes in the folder are removed.
 */
export async function writeFileAtomic(path: string, contents: FileContents, options: WriteFileOptions = {}): Promise<void> {
  writeFileAtomicSync(path, contents, options);
}

/** writeFileAtomic without waiting: for report writers and CLIs whose callers are synchronous. */
export function writeFileAtomicSync(path: string, contents: FileContents, options: WriteFileOptions = {}): void {
  const what = options.what ?? 'file';
  const fail = options.fail ?? fileLayerFailure(path);
  const folder = dirname(path);
  assertOrdinaryFileSystem(folder, `folder of the ${what}`, fail);
  removeStaleTemporaries(folder);
  const { keptMode, linkTarget } = inspectTarget(path, what, fail);
  const mode = options.mode ?? keptMode;
  const temporary = temporarySibling(path);
  let fd: number;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode ?? 0o666);
  } catch (error) {
    throw failFromErrno(error, path, `create a temporary file for the ${what}`, fail);
  }
  try {
    try {
      // The open mode passed through the umask; a kept or requested mode is set exactly.
      if (mode !== undefined) fchmodSync(fd, mode);
      for (const chunk of chunksOf(contents)) writeAll(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw failFromErrno(error, path, `write the ${what}`, fail);
  }
  syncFolder(folder);
  if (linkTarget !== undefined) options.onLink?.(path, linkTarget);
}

/** writeFileAtomic of `value` as indented JSON with a final newline. */
export async function writeJsonAtomic(path: string, value: unknown, options: WriteFileOptions = {}): Promise<void> {
  writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** Renames `from` to `to` (same file system), a typed error naming both when it fails. */
export async function movePath(from: string, to: string): Promise<void> {
  try {
    renameSync(from, to);
  } catch (error) {
    throw failFromErrno(error, from, `move it to ${to}`, fileLayerFailure(from));
  }
}

/** Removes a file, a link (never its target) or a folder with everything in it; nothing there is fine. */
export async function removePath(path: string): Promise<void> {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch (error) {
    throw failFromErrno(error, path, 'remove it', fileLayerFailure(path));
  }
}
