import { tf, registerHostKernel } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, HostInput, HostOutput } from '@ufbert/tensor';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { checkShapes } from './conditional-op.js';
import { FFF_INFER } from './kernel-names.js';
import { inferenceKernel, type PreparedInference } from './host-kernels.js';

export interface InferenceResult {
  /** [T, O] */
  y: Tensor;
  /** [T, k, d+1] int32, global neuron indices, when asked for. */
  nodes?: Tensor3D;
}

/**
 * FFF inference through the fastest CMM kernel of the active backend. The kernel's
 * weight layout is prepared once per set of weights (keyed by tfjs's data identity,
 * which changes when a variable is assigned), not per call.
 */
export function conditionalInference(
  x: Tensor2D,
  wIn: Tensor2D,
  bIn: Tensor1D,
  wOut: Tensor2D,
  depth: number,
  parallelSize: number,
  options: { returnNodes?: boolean } = {},
): InferenceResult {
  checkShapes(x, wIn, bIn, wOut, depth, parallelSize);
  const attrs = { depth, parallelSize, returnNodes: !!options.returnNodes } as unknown as NamedAttrMap;
  const out = tf.engine().runKernel(FFF_INFER, { x, wIn, bIn, wOut }, attrs) as Tensor | Tensor[];
  const [y, nodes] = Array.isArray(out) ? out : [out];
  return nodes ? { y, nodes: nodes as Tensor3D } : { y };
}

/** Prepared weights of the most recently used layers; a 16-layer model fits with room to spare. */
const CACHE_LIMIT = 48;
const prepared = new Map<object, { bIn: object; wOut: object; prepared: PreparedInference }>();

function preparedFor(wIn: HostInput, bIn: HostInput, wOut: HostInput, depth: number, parallelSize: number): PreparedInference {
  const hit = prepared.get(wIn.dataId);
  if (hit && hit.bIn === bIn.dataId && hit.wOut === wOut.dataId) {
    prepared.delete(wIn.dataId);
    prepared.set(wIn.dataId, hit);
    return hit.prepared;
  }
  if (hit) {
    hit.prepared.dispose();
    prepared.delete(wIn.dataId);
  }
  const fresh = inferenceKernel().prepare(
    { wIn: view(wIn), bIn: view(bIn), wOut: view(wOut) },
    { trees: parallelSize, depth, inputSize: wIn.shape[1], outputSize: wOut.shape[0] },
  );
  prepared.set(wIn.dataId, { bIn: bIn.dataId, wOut: wOut.dataId, prepared: fresh });
  if (prepared.size > CACHE_LIMIT) {
    const [oldest, entry] = prepared.entries().next().value!;
    entry.prepared.dispose();
    prepared.delete(oldest);
  }
  return fresh;
}

/**
 * Frees the kernel-side copies (WASM memory) prepared for the layer whose linear_in.weight
 * is `wIn`, or for every layer. Layers and models call it when they are disposed; the
 * cache would otherwise hold them until newer layers push them out.
 */
export function releasePreparedWeights(wIn?: Tensor): void {
  for (const [key, entry] of prepared) {
    if (wIn !== undefined && key !== wIn.dataId) continue;
    entry.prepared.dispose();
    prepared.delete(key);
  }
}

/** How many layers' weights are prepared (held in kernel memory) right now. */
export function preparedWeightCount(): number {
  return prepared.size;
}

function view(input: HostInput) {
  return { values: input.values as Float32Array, shape: input.shape };
}

registerHostKernel({
  kernelName: FFF_INFER,
  compute({ x, wIn, bIn, wOut }, attrs, outputs) {
    const { depth, parallelSize, returnNodes } = attrs as unknown as { depth: number; parallelSize: number; returnNodes: boolean };
    const batch = x.shape[0];
    const p = preparedFor(wIn, bIn, wOut, depth, parallelSize);
    // y goes straight into the backend's memory (on wasm, tfjs's heap): the kernel copies x in
    // and y out, and nothing else is copied. Allocate before reading x: it may grow the heap.
    const yShape = [batch, wOut.shape[0]];
    const nodesShape = [batch, parallelSize, depth + 1];
    const [y, nodes] = outputs.allocate([{ shape: yShape, dtype: 'float32' }, ...(returnNodes ? [{ shape: nodesShape, dtype: 'int32' as const }] : [])]);
    const result = inferenceKernel().run(p, x.values as Float32Array, batch, { returnNodes, out: y as Float32Array });
    if (!returnNodes) return [{ values: y, shape: yShape }];
    nodes.set(result.nodes!);
    return [
      { values: y, shape: yShape },
      { values: nodes, shape: nodesShape },
    ];
  },
});
