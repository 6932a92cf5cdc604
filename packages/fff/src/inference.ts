import { tf, registerTfjsHostKernel, activeBackend, UfbertError } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@ufbert/tensor';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { ConditionalMatmulKernel, PreparedConditional } from '@ufbert/cmm';
import { checkShapes } from './conditional-op.js';
import { FFF_INFER } from './kernel-names.js';

export interface InferenceResult {
  /** [T, O] */
  y: Tensor;
  /** [T, k, d+1] int32, global neuron indices, when asked for. */
  nodes?: Tensor3D;
}

/**
 * One FFF layer's weights in the layout its inference kernel reads; the layer that made
 * them owns them (prepared-weights.ts).
 */
export type InferenceLayout =
  /** cpu, wasm: a cmm host kernel and the weights it prepared. */
  | { readonly kind: 'host'; readonly kernel: ConditionalMatmulKernel; readonly prepared: PreparedConditional }
  /** webgpu: linear_out.weight transposed to [N, O] (neuron-major), a tensor on tfjs's device. */
  | { readonly kind: 'webgpu'; readonly outputRows: Tensor2D };

interface InferAttrs {
  depth: number;
  trees: number;
  returnNodes: boolean;
  /** Set on the host backends (cpu, wasm). */
  host?: Extract<InferenceLayout, { kind: 'host' }>;
}

/**
 * The tfjs op behind `FFF.infer`: one kernel call on the active backend, on the weights in
 * `layout`, which the caller keeps from call to call. On the host backends the kernel runs
 * on its prepared copy; on webgpu the inputs are linear_in as it is and `wOutRows`, the
 * neuron-major linear_out, where they are on the device.
 */
export function conditionalInference(
  x: Tensor2D,
  wIn: Tensor2D,
  bIn: Tensor1D,
  wOut: Tensor2D,
  depth: number,
  trees: number,
  layout: InferenceLayout,
  options: { returnNodes?: boolean } = {},
): InferenceResult {
  checkShapes(x, wIn, bIn, wOut, depth, trees);
  const attrs: InferAttrs = { depth, trees, returnNodes: !!options.returnNodes, host: layout.kind === 'host' ? layout : undefined };
  const inputs: Record<string, Tensor> = layout.kind === 'webgpu' ? { x, wIn, bIn, wOutRows: layout.outputRows } : { x, wIn, bIn, wOut };
  const out = tf.engine().runKernel(FFF_INFER, inputs, attrs as unknown as NamedAttrMap) as Tensor | Tensor[];
  const [y, nodes] = Array.isArray(out) ? out : [out];
  return nodes ? { y, nodes: nodes as Tensor3D } : { y };
}

registerTfjsHostKernel({
  kernelName: FFF_INFER,
  compute({ x, wOut }, attrs, outputs) {
    const { depth, trees, returnNodes, host } = attrs as unknown as InferAttrs;
    if (!host) {
      throw new UfbertError(
        `${FFF_INFER} on tfjs-${activeBackend()}: expected the inference kernel and its prepared weights (an FFF layer passes them), got none`,
      );
    }
    const batch = x.shape[0];
    // y goes straight into the backend's memory (on wasm, tfjs's heap): the kernel copies x in
    // and y out, and nothing else is copied. Allocate before reading x: it may grow the heap.
    const yShape = [batch, wOut.shape[0]];
    const nodesShape = [batch, trees, depth + 1];
    const [y, nodes] = outputs.allocate([{ shape: yShape, dtype: 'float32' }, ...(returnNodes ? [{ shape: nodesShape, dtype: 'int32' as const }] : [])]);
    const result = host.kernel.run(host.prepared, x.values as Float32Array, batch, { returnNodes, out: y as Float32Array });
    if (!returnNodes) return [{ values: y, shape: yShape }];
    nodes.set(result.nodes!);
    return [
      { values: y, shape: yShape },
      { values: nodes, shape: nodesShape },
    ];
  },
});
