import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputDirectoryError } from './errors.js';

/** Creates the folder if needed and proves it writable by writing and removing a probe file. */
export async function ensureWritableDirectory(dir: string): Promise<void> {
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
