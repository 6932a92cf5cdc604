import { pathKind, writeFileAtomic } from '@ufbert/tensor/node';
import type { CrammedBertModel } from '@ufbert/crammed-bert';
import { loadModel } from '@ufbert/crammed-bert/node';
import { onnxModelBytes, type ExportOptions } from '../onnx-model-bytes.js';
import { OnnxExportError } from '../errors.js';

export interface ExportResult {
  /** The file written. */
  path: string;
  bytes: number;
}

/**
 * Writes `model` as ONNX to `path`: inputs `input_ids` and `attention_mask` (int64,
 * dynamic batch and sequence), outputs `hidden_states` and `logits`, every FFF conditional.
 * Written through the guarded file layer: a temporary sibling flushed and renamed over the
 * target, so a failed or interrupted export never replaces a good file with half of one, and
 * a symbolic link at `path` is replaced by the file, never written through.
 */
export async function exportOnnx(model: CrammedBertModel, path: string, options: ExportOptions = {}): Promise<ExportResult> {
  // The rename would replace a FIFO or device silently; neither is an export file, so say so.
  if (pathKind(path) === 'special')
    throw new OnnxExportError(`cannot write the ONNX export to ${path}: expected a regular file or nothing there, found a FIFO, socket or device`);
  const bytes = await onnxModelBytes(model, options);
  await writeFileAtomic(path, bytes, { what: 'ONNX export file', fail: (message) => new OnnxExportError(message) });
  return { path, bytes: bytes.length };
}

/** `exportOnnx` of a checkpoint folder (model.safetensors + model_config.json), checked against its config on load. */
export async function exportOnnxFromCheckpoint(dir: string, path: string, options: ExportOptions = {}): Promise<ExportResult> {
  const model = await loadModel(dir);
  try {
    return await exportOnnx(model.eval(), path, options);
  } finally {
    model.dispose();
  }
}
