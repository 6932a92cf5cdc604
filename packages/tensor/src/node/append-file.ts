import { closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { failFromErrno, type FileErrorFactory, fileLayerFailure } from './file-layer-error.js';
import { describeKind } from './regular-file.js';
import { assertOrdinaryFileSystem } from './special-filesystem.js';

/**
 * A file appended to line by line (a JSONL training log), each write going straight to the
 * file so a killed process loses nothing it wrote. Opened with O_NOFOLLOW (a link planted
 * at the path is refused, not appended through) and O_NONBLOCK, then checked to be a
 * regular file, so a FIFO there fails at once instead of blocking.
 */
export class AppendFile {
  private fd: number;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens `path` for appending, creating it (mode 0o666 less the umask) when missing. */
  static open(path: string, options: { what: string; fail?: FileErrorFactory }): AppendFile {
    const fail = options.fail ?? fileLayerFailure(path);
    assertOrdinaryFileSystem(dirname(path), `folder of the ${options.what}`, fail);
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0), 0o666);
    } catch (error) {
      throw failFromErrno(error, path, `open the ${options.what} for appending`, fail);
    }
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      closeSync(fd);
      throw fail(`${path}: is ${describeKind(stats)}, expected a regular ${options.what}`, 'not-regular');
    }
    return new AppendFile(path, fd);
  }

  append(text: string): void {
    if (this.fd < 0) throw fileLayerFailure(this.path)(`${this.path}: appended to after close()`, 'io');
    writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
