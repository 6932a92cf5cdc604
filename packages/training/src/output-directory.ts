import { mkdir, readdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputDirectoryError } from './errors.js';

/**
 * statfs magic numbers of Linux's virtual file systems, where a run's files do not belong
 * and where Node's recursive mkdir can loop forever (`/proc/self/out`).
 */
const VIRTUAL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
]);

/** Throws OutputDirectoryError when `dir`, or the nearest part of it that exists, lies on procfs, sysfs or a kin. */
export async function assertOrdinaryFileSystem(dir: string): Promise<void> {
  let existing = resolve(dir);
  for (;;) {
    let type: number | bigint;
    try {
      ({ type } = await statfs(existing));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(existing) !== existing) {
        existing = dirname(existing);
        continue;
      }
      // Anything else (EACCES, ...) is the write probe's to report.
      return;
    }
    const name = VIRTUAL_FILE_SYSTEMS.get(Number(type));
    if (name) throw new OutputDirectoryError(`the output folder ${dir} is on ${name} (at ${existing}), a virtual file system; choose a folder on a disk`);
    return;
  }
}

/**
 * Creates the folder if needed and proves it writable by writing and removing a probe
 * file; a folder on a virtual file system (procfs, sysfs) is refused before anything is
 * created.
 */
export async function ensureWritableDirectory(dir: string): Promise<void> {
  await assertOrdinaryFileSystem(dir);
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new OutputDirectoryError(`cannot write to the output folder ${dir}: ${code ?? ''} ${message}`.replace(/\s+/g, ' ').trim());
  }
}

/** The entries of `dir` other than `ignore` (a lock file, say); none when it does not exist. */
export async function directoryEntries(dir: string, ignore: readonly string[] = []): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !ignore.includes(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Moves everything in `dir` but `keep` into a new sibling folder `<dir>.replaced-<time>`
 * and returns that folder, so a run started over never deletes the one before it. Each
 * entry is renamed, so this is cheap and stays on the same file system.
 */
export async function moveRunAside(dir: string, keep: readonly string[] = []): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = join(dirname(dir), `${basename(dir)}.replaced-${stamp}`);
  await mkdir(aside);
  for (const name of await directoryEntries(dir, keep)) await rename(join(dir, name), join(aside, name));
  return aside;
}
