import { UfbertError } from './errors.js';

type Fs = typeof import('node:fs');

/** Makes the typed error a caller reports a file problem with. */
export type FileErrorFactory = (message: string) => Error;

/** A file to be read is missing, unreadable, not a regular file or larger than its limit. */
export class InputFileError extends UfbertError {}

const OPEN_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, expected a file',
  ELOOP: 'is a symbolic link loop',
  EACCES: 'permission denied',
  ENOTDIR: 'a component of the path is not a folder',
};

function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Opens `file` for reading, as a regular file only, and returns its descriptor and size.
 * O_NONBLOCK keeps a FIFO from blocking the open itself (waiting for a writer that never
 * comes); the type is checked on the open descriptor, so what is checked is what is read.
 */
export function openRegularFile(fs: Fs, file: string, what: string, fail: FileErrorFactory): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw fail(`${file}: cannot open: ${OPEN_ERRORS[code] ?? (error as Error).message}`);
  }
  const stats = fs.fstatSync(fd);
  if (!stats.isFile()) {
    fs.closeSync(fd);
    throw fail(`${file}: is ${kindOf(stats)}, expected a regular ${what}`);
  }
  return { fd, size: stats.size };
}

export interface ReadTextFileOptions {
  /** Says what the file should be, in messages: `tokenizer.json file`. */
  what: string;
  /** Larger files are refused before any byte is read. */
  maxBytes: number;
  /** The error to throw; default InputFileError. */
  fail?: FileErrorFactory;
}

/**
 * Reads a UTF-8 text file (Node) that must be a regular file of at most `maxBytes`: a FIFO,
 * a device such as /dev/zero or an oversized file fails at once, naming the file.
 */
export async function readTextFile(path: string, options: ReadTextFileOptions): Promise<string> {
  const fail = options.fail ?? ((message: string) => new InputFileError(message));
  const fs = await import('node:fs');
  const { fd, size } = openRegularFile(fs, path, options.what, fail);
  try {
    if (size > options.maxBytes) throw fail(`${path}: is ${size} bytes, more than the ${options.maxBytes}-byte limit for a ${options.what}`);
    const bytes = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, bytes, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
