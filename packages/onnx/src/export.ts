import { randomBytes } from 'node:crypto';
import { lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadModel, type CrammedBertModel } from '@ufbert/crammed-bert';
import { crammedBertGraph, type GraphOptions } from './crammed-bert-graph.js';
import { OnnxExportError } from './errors.js';

export type ExportOptions = GraphOptions;

export interface ExportResult {
  /** The file written. */
  path: string;
  bytes: number;
}

/** The ONNX bytes of a model in eval mode (weights read back from its backend). */
export async function onnxModelBytes(model: CrammedBertModel, options: ExportOptions = {}): Promise<Uint8Array> {
  const state = await model.stateDict();
  const weights = new Map<string, Float32Array>();
  for (const [name, tensor] of state) weights.set(name, tensor.data as Float32Array);
  return crammedBertGraph(model.config, weights, options);
}

/**
 * Writes `model` as ONNX to `path`: inputs `input_ids` and `attention_mask` (int64,
 * dynamic batch and sequence), outputs `hidden_states` and `logits`, every FFF conditional.
 * The file is written beside the target and renamed over it, so a failed or interrupted
 * export never replaces a good file with half of one.
 */
export async function exportOnnx(model: CrammedBertModel, path: string, options: ExportOptions = {}): Promise<ExportResult> {
  return writeAtomically(path, await onnxModelBytes(model, options));
}

/** `exportOnnx` of a checkpoint folder (model.safetensors + model_config.json), checked against its config on load. */
export async function exportOnnxFromCheckpoint(dir: string, path: string, options: ExportOptions = {}): Promise<ExportResult> {
  const model = await loadModel(dir);
  try {
    model.eval();
    return await exportOnnx(model, path, options);
  } finally {
    model.dispose();
  }
}

/**
 * Writes `bytes` to `path` through a temporary file beside it, flushed to disk, then renamed
 * over the target: readers see the old file or the new one, never half of one. The target
 * must be a regular file or absent (a symlink is followed to one): a device, FIFO or folder
 * is refused rather than replaced.
 */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<ExportResult> {
  let target = path;
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) target = await realpath(path).catch(() => path);
  const resolved = target === path ? existing : await lstat(target).catch(() => undefined);
  if (resolved && !resolved.isFile()) throw new OnnxExportError(`cannot write ${path}: expected a regular file or nothing there, found ${kindOf(resolved)}`);
  const dir = dirname(target);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new OnnxExportError(`cannot write ${path}: expected an existing folder ${dir}`);
  const temporary = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new OnnxExportError(`cannot write ${path}: ${(error as Error).message}`);
  }
  return { path, bytes: bytes.length };
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}
