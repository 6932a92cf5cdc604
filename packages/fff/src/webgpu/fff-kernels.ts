import { recordConditionalBackward, recordConditionalForward } from '@ufbert/cmm/webgpu';
import type { ConditionalShape } from '@ufbert/cmm';
import { UfbertError } from '@ufbert/tensor';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FFF_BACKWARD, FFF_FORWARD, FFF_INFER } from '../kernel-names.js';
import { runOnTfjsWebGpu } from './tfjs-bridge.js';

interface FFFAttrs {
  depth: number;
  trees: number;
  returnNodes?: boolean;
}

/** The layer's geometry, batch and path shape [T, k, d+1] from a kernel's inputs and attributes. */
function geometry(
  x: TensorInfo,
  outputSize: number,
  attrs: NamedAttrMap | undefined,
): { shape: ConditionalShape; batch: number; path: number[]; returnNodes: boolean } {
  const { depth, trees, returnNodes } = attrs as unknown as FFFAttrs;
  const [batch, inputSize] = x.shape;
  return {
    shape: { trees, depth, inputSize, outputSize },
    batch,
    path: [batch, trees, depth + 1],
    returnNodes: !!returnNodes,
  };
}

// The training forward reads linear_out.weight [O, N] where it is: the weights are tfjs
// variables that change every step, and a transposed copy would have to be made per step.
export const fffForwardWebGpu: KernelConfig = {
  kernelName: FFF_FORWARD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, wIn, bIn, wOut } = inputs as Record<string, TensorInfo>;
    const { shape, batch, path } = geometry(x, wOut.shape[0], attrs);
    return runOnTfjsWebGpu(
      backend,
      FFF_FORWARD,
      { x, wIn, bIn, wOut },
      [
        { name: 'y', shape: [batch, shape.outputSize], dtype: 'float32' },
        { name: 'nodes', shape: path, dtype: 'int32' },
        { name: 'logits', shape: path, dtype: 'float32' },
      ],
      (recorder, b) =>
        recordConditionalForward(recorder, shape, batch, 'output-major', {
          x: b.x,
          wIn: b.wIn,
          bIn: b.bIn,
          wOut: b.wOut,
          y: b.y,
          nodes: b.nodes,
          logits: b.logits,
        }),
    );
  },
};

// Inference reads the layer's neuron-major copy of linear_out.weight, `wOutRows` [N, O],
// made once per weight version: the layout of cmm's webgpu ConditionalMatmul kernel, so
// a model runs the program the kernel benchmarks measure.
export const fffInferWebGpu: KernelConfig = {
  kernelName: FFF_INFER,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, wIn, bIn, wOutRows } = inputs as Record<string, TensorInfo | undefined>;
    if (!x || !wIn || !bIn || !wOutRows) {
      throw new UfbertError(
        `${FFF_INFER} on tfjs-webgpu: expected inputs x, wIn, bIn and wOutRows (linear_out.weight as [N, O]; an FFF layer passes them), got ${Object.keys(inputs).join(', ')}`,
      );
    }
    const { shape, batch, path, returnNodes } = geometry(x, wOutRows.shape[1], attrs);
    const outputs = runOnTfjsWebGpu(
      backend,
      FFF_INFER,
      { x, wIn, bIn, wOutRows },
      [{ name: 'y', shape: [batch, shape.outputSize], dtype: 'float32' }, ...(returnNodes ? [{ name: 'nodes', shape: path, dtype: 'int32' as const }] : [])],
      (recorder, b) =>
        recordConditionalForward(recorder, shape, batch, 'neuron-major', { x: b.x, wIn: b.wIn, bIn: b.bIn, wOut: b.wOutRows, y: b.y, nodes: b.nodes }),
    );
    return outputs.length === 1 ? outputs[0] : outputs;
  },
};

export const fffBackwardWebGpu: KernelConfig = {
  kernelName: FFF_BACKWARD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, x, wIn, wOut, nodes, logits } = inputs as Record<string, TensorInfo>;
    const { shape, batch } = geometry(x, wOut.shape[0], attrs);
    return runOnTfjsWebGpu(
      backend,
      FFF_BACKWARD,
      { dy, x, wIn, wOut, nodes, logits },
      [
        { name: 'dx', shape: x.shape, dtype: 'float32' },
        { name: 'dWIn', shape: wIn.shape, dtype: 'float32' },
        { name: 'dbIn', shape: [wIn.shape[0]], dtype: 'float32' },
        { name: 'dWOut', shape: wOut.shape, dtype: 'float32' },
      ],
      (recorder, b) =>
        recordConditionalBackward(recorder, shape, batch, {
          dy: b.dy,
          x: b.x,
          wIn: b.wIn,
          wOut: b.wOut,
          nodes: b.nodes,
          logits: b.logits,
          dx: b.dx,
          dWIn: b.dWIn,
          dbIn: b.dbIn,
          dWOut: b.dWOut,
        }),
    );
  },
};
