import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Temporaries are hidden siblings named for the target and the writing process:
 * `.model.safetensors.ufbert-tmp-<pid>-<random>`. The pid lets a later write tell a
 * leftover of a killed write (its process is gone) from a write still under way.
 */
const TEMPORARY = /^\.(.+)\.ufbert-(tmp|old)-(\d+)-[0-9a-f]+$/;

/** A fresh temporary name beside `path` (`old` for a folder moved out of the way of its replacement). */
export function temporarySibling(path: string, role: 'tmp' | 'old' = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.ufbert-${role}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Whether `pid` runs on this host; EPERM means it runs under another user. */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the folder holds a temporary of `name` of a live writer (a folder swap may be under way). */
export function hasTemporaryOf(folder: string, name: string): boolean {
  try {
    return readdirSync(folder).some((entry) => {
      const match = TEMPORARY.exec(entry);
      return match?.[1] === name && isRunning(Number(match[3]));
    });
  } catch {
    return false;
  }
}

/** Whether nothing at all stands at `path` (not even a dangling link). */
function nothingAt(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Puts back the folders of swaps killed between their two renames: the old folder had been
 * moved to its `old` temporary and the new one not yet moved in, so the name is missing. The
 * write did not complete, so the old folder is what stands there again (never neither).
 * Returns the names restored.
 */
export function restoreInterruptedSwaps(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  const restored: string[] = [];
  for (const entry of entries) {
    const match = TEMPORARY.exec(entry);
    if (!match || match[2] !== 'old' || isRunning(Number(match[3])) || !nothingAt(join(folder, match[1]))) continue;
    try {
      renameSync(join(folder, entry), join(folder, match[1]));
      restored.push(match[1]);
    } catch {
      // Another process restored it (or wrote the name) first: nothing to put back.
    }
  }
  return restored;
}

/**
 * Removes the temporaries in `folder` whose writer no longer runs (a write killed halfway
 * leaves its temporary file or folder behind); returns what was removed. Temporaries of
 * live processes are left alone: they are writes under way. A swap killed halfway is put
 * back first (`restoreInterruptedSwaps`), so its old folder is restored, not removed.
 */
export function removeStaleTemporaries(folder: string): string[] {
  restoreInterruptedSwaps(folder);
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = TEMPORARY.exec(entry);
    if (!match || isRunning(Number(match[3]))) continue;
    // rm never follows a link it removes, so a link planted under a temporary name goes, not its target.
    rmSync(join(folder, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}
