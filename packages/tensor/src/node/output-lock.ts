import { closeSync, constants, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FileLayerError } from './file-layer-error.js';
import { FILE_LIMITS } from './file-limits.js';
import { readBytesSync } from './read-file.js';
import { assertOrdinaryFileSystem } from './special-filesystem.js';
import { isRunning } from './temporary-names.js';

/** The lock file a run keeps in the folder it writes to, for as long as it writes there. */
export const LOCK_FILE = '.ufbert-lock';

/** Who holds an output folder: written into the lock file as JSON. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** What the holder runs (its command line), for the message a second run gets. */
  command: string;
}

/** Another run, alive or of unknown state, holds the output folder. */
export class OutputLockedError extends FileLayerError {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | undefined,
    why: string,
  ) {
    super(lockFile, 'exists', `${lockFile}: ${why}`);
  }
}

export interface OutputLockOptions {
  /** Where the message about a stale lock taken over goes. */
  print?: (message: string) => void;
}

function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host} since ${holder.startedAt} (${holder.command})`;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isSafeInteger(value.pid) && typeof value.host === 'string' && typeof value.startedAt === 'string' && typeof value.command === 'string')
      return value as LockHolder;
  } catch {
    // falls through: not a lock this code wrote
  }
  return undefined;
}

/** The lock file's text; undefined when there is none. A FIFO or device planted there fails at once instead of blocking. */
function readOrUndefined(path: string): string | undefined {
  try {
    return new TextDecoder().decode(readBytesSync(path, { what: 'lock file', maxBytes: FILE_LIMITS.lock }));
  } catch (error) {
    if (error instanceof FileLayerError && error.reason === 'missing') return undefined;
    throw error;
  }
}

/**
 * Exclusive ownership of an output folder by one process, held through a lock file
 * created with O_EXCL. Released by release(), and at the latest when the process exits
 * normally; a process killed outright leaves a stale lock, which the next run on the same
 * host detects (its pid no longer runs), reports and takes over.
 */
export class OutputLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(
    readonly path: string,
    private readonly contents: string,
  ) {
    process.once('exit', this.onExit);
  }

  /**
   * Takes the lock of `dir` (created if missing), or throws OutputLockedError naming the
   * holder: a live process, a process on another host (whose state cannot be known here),
   * or a lock file this code did not write.
   */
  static acquire(dir: string, options: OutputLockOptions = {}): OutputLock {
    assertOrdinaryFileSystem(dir, 'output folder');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, LOCK_FILE);
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      command: process.argv.slice(1).join(' ').slice(0, 200),
    };
    const contents = `${JSON.stringify(holder)}\n`;
    // Two rounds: a stale lock taken over in the first is free in the second, unless
    // another run took it in between, which then holds it.
    for (let round = 0; round < 2; round++) {
      let fd: number;
      try {
        fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        OutputLock.takeOverIfStale(path, options);
        continue;
      }
      try {
        writeSync(fd, contents);
      } finally {
        closeSync(fd);
      }
      return new OutputLock(path, contents);
    }
    const current = readOrUndefined(path);
    throw new OutputLockedError(
      path,
      current === undefined ? undefined : parseHolder(current),
      'another run took the output folder while a stale lock was being replaced',
    );
  }

  /** Removes a lock whose holder is known to be dead; throws OutputLockedError for any other. */
  private static takeOverIfStale(path: string, options: OutputLockOptions): void {
    const text = readOrUndefined(path);
    if (text === undefined) return;
    const holder = parseHolder(text);
    if (!holder)
      throw new OutputLockedError(
        path,
        undefined,
        `exists but does not name a holder (expected the JSON a ufbert run writes); remove it if no run uses this folder`,
      );
    if (holder.host !== hostname())
      throw new OutputLockedError(
        path,
        holder,
        `the output folder is locked by ${describeHolder(holder)}, another host; remove the lock file if that run has ended`,
      );
    if (holder.pid === process.pid || isRunning(holder.pid))
      throw new OutputLockedError(path, holder, `the output folder is in use by ${describeHolder(holder)}; wait for it to finish or choose another folder`);
    // Two runs may find the same stale lock; the mutex lets one remove it, and only if it
    // is still the lock that was found stale, not a live one written meanwhile.
    const mutex = `${path}.takeover`;
    let fd: number;
    try {
      fd = openSync(mutex, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new OutputLockedError(path, holder, `another run is taking over the stale lock of ${describeHolder(holder)}; if none is, remove ${mutex}`);
      throw error;
    }
    try {
      if (readOrUndefined(path) === text) {
        unlinkSync(path);
        options.print?.(`${path}: took over a stale lock of ${describeHolder(holder)}, which no longer runs`);
      }
    } finally {
      closeSync(fd);
      unlinkSync(mutex);
    }
  }

  /** Gives the folder up; only removes the lock file while it is still this lock's. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    if (readOrUndefined(this.path) === this.contents) unlinkSync(this.path);
  }
}
