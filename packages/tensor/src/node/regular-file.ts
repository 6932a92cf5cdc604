import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { type FileErrorFactory, failFromErrno, fileLayerFailure } from './file-layer-error.js';

/** Words for what a non-regular file is, for messages. */
export function describeKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Opens `path` for reading, as a regular file only, and returns its descriptor and size.
 * O_NONBLOCK keeps a FIFO from blocking the open itself (waiting for a writer that never
 * comes); the type is checked on the open descriptor, so what is checked is what is read.
 */
export function openRegularFile(path: string, what: string, fail: FileErrorFactory = fileLayerFailure(path)): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw failFromErrno(error, path, `open the ${what}`, fail);
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw fail(`${path}: is ${describeKind(stats)}, expected a regular ${what}`, 'not-regular');
  }
  return { fd, size: stats.size };
}

/** The size of the regular file at `path`, checked as openRegularFile checks it, without reading it. */
export function regularFileSize(path: string, what: string, fail: FileErrorFactory = fileLayerFailure(path)): number {
  const { fd, size } = openRegularFile(path, what, fail);
  closeSync(fd);
  return size;
}
