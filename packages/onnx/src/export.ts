import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile, stat } from 'node:fs/promises';
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

export async function writeAtomically(path: string, bytes: Uint8Array): Promise<ExportResult> {
  const dir = dirname(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new OnnxExportError(`cannot write ${path}: expected an existing folder ${dir}`);
  const temporary = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new OnnxExportError(`cannot write ${path}: ${(error as Error).message}`);
  }
  return { path, bytes: bytes.length };
}
