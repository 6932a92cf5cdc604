import { createHash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { type FileErrorFactory, failFromErrno, fileLayerFailure } from './file-layer-error.js';
import { openRegularFile } from './regular-file.js';

/** Reads go in slices this large, so one call never asks the kernel for gigabytes at once. */
const READ_CHUNK = 16 * 1024 * 1024;

export interface ReadFileOptions {
  /** Says what the file should be, in messages: `tokenizer.json file`. */
  what: string;
  /** Larger files are refused before any byte is allocated or read (see FILE_LIMITS). */
  maxBytes: number;
  /** The error to throw; default FileLayerError. */
  fail?: FileErrorFactory;
}

function tooLarge(path: string, size: number, options: ReadFileOptions, fail: FileErrorFactory): Error {
  return fail(`${path}: is ${size} bytes, more than the ${options.maxBytes}-byte limit for a ${options.what}`, 'too-large');
}

/** Calls `each` with consecutive slices of the regular file at `path`, after the type and size checks. */
function readSlices(path: string, options: ReadFileOptions, each: (slice: Uint8Array) => void, buffer?: (size: number) => Uint8Array): number {
  const fail = options.fail ?? fileLayerFailure(path);
  const { fd, size } = openRegularFile(path, options.what, fail);
  try {
    if (size > options.maxBytes) throw tooLarge(path, size, options, fail);
    const whole = buffer?.(size);
    const scratch = whole ? undefined : new Uint8Array(Math.min(READ_CHUNK, Math.max(size, 1)));
    let done = 0;
    // Reads the size fstat reported: bytes appended meanwhile belong to a later version.
    while (done < size) {
      const target = whole ? whole.subarray(done, Math.min(size, done + READ_CHUNK)) : scratch!.subarray(0, Math.min(scratch!.length, size - done));
      const n = readSync(fd, target, 0, target.length, done);
      if (n === 0) break;
      each(target.subarray(0, n));
      done += n;
    }
    return done;
  } catch (error) {
    throw failFromErrno(error, path, `read the ${options.what}`, fail);
  } finally {
    closeSync(fd);
  }
}

/** readBytes without waiting: for the few callers that must stay synchronous (a lock taken at startup). */
export function readBytesSync(path: string, options: ReadFileOptions): Uint8Array {
  let whole = new Uint8Array(0);
  const done = readSlices(
    path,
    options,
    () => undefined,
    (size) => (whole = new Uint8Array(size)),
  );
  return done === whole.length ? whole : whole.subarray(0, done);
}

/**
 * Reads a regular file of at most `maxBytes` (Node): a FIFO, a device such as /dev/zero (or
 * a link to one) or an oversized file fails at once, naming the file, without blocking.
 */
export async function readBytes(path: string, options: ReadFileOptions): Promise<Uint8Array> {
  return readBytesSync(path, options);
}

/** readBytesSync decoded as UTF-8. */
export function readTextSync(path: string, options: ReadFileOptions): string {
  return new TextDecoder().decode(readBytesSync(path, options));
}

/** readBytes decoded as UTF-8. */
export async function readText(path: string, options: ReadFileOptions): Promise<string> {
  return new TextDecoder().decode(await readBytes(path, options));
}

/** readText parsed as JSON; malformed JSON is the caller's typed error (reason 'io'), naming the file. */
export async function readJson(path: string, options: ReadFileOptions): Promise<unknown> {
  const text = await readText(path, options);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw (options.fail ?? fileLayerFailure(path))(`${path}: is not valid JSON (expected a ${options.what}): ${(error as Error).message}`, 'io');
  }
}

/**
 * A regular file's text in decoded pieces, for files too large to hold twice (GLUE's MNLI
 * train split): the same checks as readText, then slice by slice. UTF-8 sequences split
 * between slices are decoded whole.
 */
export async function* readTextChunks(path: string, options: ReadFileOptions): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const fail = options.fail ?? fileLayerFailure(path);
  const { fd, size } = openRegularFile(path, options.what, fail);
  try {
    if (size > options.maxBytes) throw tooLarge(path, size, options, fail);
    const scratch = new Uint8Array(Math.min(READ_CHUNK, Math.max(size, 1)));
    for (let done = 0; done < size; ) {
      let n: number;
      try {
        n = readSync(fd, scratch, 0, Math.min(scratch.length, size - done), done);
      } catch (error) {
        throw failFromErrno(error, path, `read the ${options.what}`, fail);
      }
      if (n === 0) break;
      done += n;
      yield decoder.decode(scratch.subarray(0, n), { stream: true });
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** The SHA-256 of a regular file (hex), read in slices so a large checkpoint is never held whole. */
export async function sha256File(path: string, options: Omit<ReadFileOptions, 'what'> & { what?: string }): Promise<string> {
  const hash = createHash('sha256');
  readSlices(path, { what: 'file', ...options }, (slice) => hash.update(slice));
  return hash.digest('hex');
}

/** The SHA-256 of bytes in memory (hex), as sha256File gives it for a file of those bytes. */
export function sha256Bytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
