import type { ReadModelFile } from '@ufbert/crammed-bert';

/** Model files already in memory (a browser file picker, a download), by file name. */
export type ModelBytes = ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;

/** A folder path, an http(s) URL, or the files' bytes. */
export type ModelSource = string | URL | ModelBytes;

/** The files' bytes as the model folder reader of @ufbert/crammed-bert reads a folder: one file by name, own entries only. */
export function bytesReader(files: ModelBytes): ReadModelFile {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return async (name) => map.get(name);
}
