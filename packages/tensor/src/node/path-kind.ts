import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { type FileErrorFactory, failFromErrno, fileLayerFailure } from './file-layer-error.js';

export type PathKind = 'missing' | 'file' | 'folder' | 'link' | 'special';

/** What is at `path`, without following a symbolic link there (a FIFO or device is 'special'). */
export function pathKind(path: string): PathKind {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw failFromErrno(error, path, 'inspect the path', fileLayerFailure(path));
  }
  if (stats.isSymbolicLink()) return 'link';
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'folder';
  return 'special';
}

/**
 * The names in the folder `path` (a link to a folder is followed), sorted; reason 'missing'
 * when it does not exist, 'not-folder' when it is something else.
 */
export function listFolder(path: string, options: { what?: string; fail?: FileErrorFactory } = {}): string[] {
  const fail = options.fail ?? fileLayerFailure(path);
  const what = options.what ?? 'folder';
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    throw failFromErrno(error, path, `list the ${what}`, fail);
  }
  if (!isFolder) throw fail(`${path}: is not a folder, expected a ${what}`, 'not-folder');
  try {
    return readdirSync(path).sort();
  } catch (error) {
    throw failFromErrno(error, path, `list the ${what}`, fail);
  }
}
