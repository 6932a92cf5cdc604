import { UfbertError } from '../errors.js';

/** Why the file layer refused or failed: what a caller may branch on without parsing the message. */
export type FileLayerReason = 'missing' | 'not-regular' | 'too-large' | 'special-filesystem' | 'link' | 'not-folder' | 'exists' | 'io';

/** A file or folder the layer was asked to read or write is not what was expected (or the I/O failed), naming the path. */
export class FileLayerError extends UfbertError {
  constructor(
    readonly path: string,
    readonly reason: FileLayerReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Makes the typed error a caller reports a file problem with (a TokenizerError, say); gets
 * the message, which names the path, and the reason.
 */
export type FileErrorFactory = (message: string, reason: FileLayerReason) => Error;

/** The factory every function of the layer uses when the caller gives none. */
export function fileLayerFailure(path: string): FileErrorFactory {
  return (message, reason) => new FileLayerError(path, reason, message);
}

/** The reason an errno code from an open, stat or mkdir stands for. */
export function reasonOfErrno(code: string | undefined): FileLayerReason {
  if (code === 'ENOENT') return 'missing';
  if (code === 'ELOOP') return 'link';
  if (code === 'EISDIR') return 'not-regular';
  if (code === 'ENOTDIR') return 'not-folder';
  if (code === 'EEXIST' || code === 'ENOTEMPTY') return 'exists';
  return 'io';
}

const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, expected a file',
  ELOOP: 'is a symbolic link loop',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is not a folder',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

/** Words for a failed system call, for messages: `permission denied (EACCES)`. */
export function describeErrno(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const words = code ? (Object.hasOwn(ERRNO_WORDS, code) ? ERRNO_WORDS[code] : message) : String(message ?? error);
  return code ? `${words} (${code})` : words;
}

/** Rethrows a system error from an operation on `path` as the caller's typed error. */
export function failFromErrno(error: unknown, path: string, doing: string, fail: FileErrorFactory): Error {
  if (error instanceof UfbertError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return fail(`${path}: cannot ${doing}: ${describeErrno(error)}`, reasonOfErrno(code));
}
