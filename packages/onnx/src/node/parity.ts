import { tf, relativeError, toFloat32, type ParityReport } from '@ufbert/tensor';
import { loadModel, readModelFixtureCases } from '@ufbert/crammed-bert/node';
import { onnxModelBytes, type ExportOptions } from '../onnx-model-bytes.js';
import { OnnxEncoderSession } from './session.js';
import type { GraphOptimization } from '../encoder-session.js';

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
  for (const { name, folder, has, tensor: get } of await readModelFixtureCases(dir)) {
    const ids = get('input_ids');
    const mask = get('attention_mask');
    const model = (await loadModel(folder)).eval();
    const isFff = model.config.intermed_type === 'fff';
    let bytes: Uint8Array;
    let tfjsRoutes: Int32Array[] = [];
    try {
      bytes = await onnxModelBytes(model, { ...options, routes: isFff });
      // The tfjs path's routes (our CMM kernels) on the same input, to compare decision by decision.
      if (isFff) {
        const shape = ids.shape as [number, number];
        const idTensor = tf.tensor2d(Int32Array.from(toFloat32(ids)), shape, 'int32');
        const maskTensor = tf.tensor2d(Int32Array.from(toFloat32(mask)), shape, 'int32');
        try {
          tfjsRoutes = (await model.fffRoutes(idTensor, maskTensor)).map((route) => route.nodes);
        } finally {
          tf.dispose([idTensor, maskTensor]);
        }
      }
    } finally {
      model.dispose();
    }
    const session = await OnnxEncoderSession.create(bytes, { threads: options.threads, graphOptimization: options.graphOptimization });
    try {
      const out = await session.runTensors(ids.data as BigInt64Array, mask.data as BigInt64Array, ids.shape as [number, number]);
      if (isFff) options.report(name, 'routes (share differing from tfjs)', routeMismatch(out.routes, tfjsRoutes));
      if (has('hidden_states')) report(options.report, name, 'hidden_states', out.hiddenStates, toFloat32(get('hidden_states')));
      report(options.report, name, 'logits', out.logits ?? new Float32Array(0), toFloat32(get('logits')));
    } finally {
      await session.release();
    }
  }
}

/** Share of route entries where onnxruntime and tfjs visited different nodes (1 when the shapes differ). */
function routeMismatch(onnx: BigInt64Array | undefined, tfjs: readonly Int32Array[]): number {
  const total = tfjs.reduce((n, r) => n + r.length, 0);
  if (!onnx || onnx.length !== total || total === 0) return 1;
  let differing = 0;
  let at = 0;
  for (const layer of tfjs) for (const node of layer) if (Number(onnx[at++]) !== node) differing++;
  return differing / total;
}

function report(sink: ParityReport, name: string, tensor: string, actual: Float32Array, expected: Float32Array): void {
  sink(name, tensor, actual.length === expected.length ? relativeError(actual, expected) : Number.POSITIVE_INFINITY);
}
