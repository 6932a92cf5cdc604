import type { ReadModelFile } from '@ufbert/crammed-bert';
import { excerpt } from '@ufbert/tensor';
import { describeValue } from './describe-value.js';
import { ModelLoadError } from './errors.js';

/** Model files already in memory (a browser file picker, a download), by file name. */
export type ModelBytes = ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;

/** A folder path, an http(s) URL, or the files' bytes. */
export type ModelSource = string | URL | ModelBytes;

/** The files' bytes as the model folder reader of @ufbert/crammed-bert reads a folder: one file by name, own entries only. */
export function bytesReader(files: ModelBytes): ReadModelFile {
  const map: ReadonlyMap<unknown, unknown> = files instanceof Map ? files : new Map(Object.entries(files));
  // Each value checked here: an ArrayBuffer or a string would fail later with a raw TypeError.
  for (const [name, bytes] of map) {
    if (typeof name !== 'string') throw new ModelLoadError(`expected the model files by file name, got a key ${describeValue(name)}`);
    if (!(bytes instanceof Uint8Array)) {
      const hint = bytes instanceof ArrayBuffer ? ' (wrap it: new Uint8Array(buffer))' : '';
      throw new ModelLoadError(`expected the bytes of ${excerpt(name)} as a Uint8Array, got ${describeValue(bytes)}${hint}`);
    }
  }
  const checked = map as ReadonlyMap<string, Uint8Array>;
  return async (name) => checked.get(name);
}
