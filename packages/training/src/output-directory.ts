import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
