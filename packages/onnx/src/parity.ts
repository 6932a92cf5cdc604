import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, relativeError, toFloat32, UfbertError, type ParityReport } from '@ufbert/tensor';
import { loadModel } from '@ufbert/crammed-bert';
import { onnxModelBytes, type ExportOptions } from './export.js';
import { OnnxEncoderSession, type GraphOptimization } from './session.js';

export interface OnnxParityOptions extends ExportOptions {
  report: ParityReport;
  threads?: number;
  graphOptimization?: GraphOptimization;
}

/**
 * For each `crammed-*` fixture folder under `dir` (written by the reference PyTorch code):
 * exports the checkpoint to ONNX, runs io.safetensors' inputs in onnxruntime-node and reports
 * the relative error of `hidden_states` and `logits` (MLM: logits on every position, as the
 * reference's [B * S, vocab]; classifier: logits only, as the fixture holds).
 */
export async function runOnnxModelParity(dir: string, options: OnnxParityOptions): Promise<void> {
  const folders = readdirSync(dir).filter((name) => name.startsWith('crammed-') && existsSync(join(dir, name, 'io.safetensors')));
  if (folders.length === 0) throw new UfbertError(`${dir} has no crammed-* fixture folder with io.safetensors`);
  for (const name of folders.sort()) {
    const folder = join(dir, name);
    const io = (await readSafetensors(join(folder, 'io.safetensors'))).tensors;
    const get = (key: string) => {
      const t = io.get(key);
      if (!t) throw new UfbertError(`${folder}/io.safetensors has no tensor '${key}'`);
      return t;
    };
    const model = (await loadModel(folder)).eval();
    let bytes: Uint8Array;
    try {
      bytes = await onnxModelBytes(model, options);
    } finally {
      model.dispose();
    }
    const session = await OnnxEncoderSession.create(bytes, { threads: options.threads, graphOptimization: options.graphOptimization });
    try {
      const ids = get('input_ids');
      const mask = get('attention_mask');
      const out = await session.runTensors(ids.data as BigInt64Array, mask.data as BigInt64Array, ids.shape as [number, number]);
      if (io.has('hidden_states')) report(options.report, name, 'hidden_states', out.hiddenStates, toFloat32(get('hidden_states')));
      report(options.report, name, 'logits', out.logits ?? new Float32Array(0), toFloat32(get('logits')));
    } finally {
      await session.release();
    }
  }
}

function report(sink: ParityReport, name: string, tensor: string, actual: Float32Array, expected: Float32Array): void {
  sink(name, tensor, actual.length === expected.length ? relativeError(actual, expected) : Number.POSITIVE_INFINITY);
}
