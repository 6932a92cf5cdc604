import type { CrammedBertModel } from '@ufbert/crammed-bert';
import { crammedBertGraph, type GraphOptions } from './crammed-bert-graph.js';

export type ExportOptions = GraphOptions;

/** The ONNX bytes of a model in eval mode (weights read back from its backend): what every export writes or opens. */
export async function onnxModelBytes(model: CrammedBertModel, options: ExportOptions = {}): Promise<Uint8Array> {
  const state = await model.stateDict();
  const weights = new Map<string, Float32Array>();
  for (const [name, tensor] of state) weights.set(name, tensor.data as Float32Array);
  return crammedBertGraph(model.config, weights, options);
}
