import { kernelLabel, listKernels, type ConditionalShape, type DenseShape } from '@ufbert/cmm';
import type { Row } from '../src/report/types.js';
import { fffName, neuronsOf, type RowIdentity } from '../src/rows.js';
import { conforming, timeRow, type GpuRowSetup } from './gpu-row.js';

const TREES = 1;
const DEPTH = 11;
const DENSE_WIDTHS = [3072, 4095] as const;

/** How many measurements runKernelRows makes, to share the budget among them. */
export function plannedMeasurements(batches: readonly number[]): number {
  const inference = listKernels('ConditionalMatmul', ['webgpu']).length + DENSE_WIDTHS.length * listKernels('DenseMatmul', ['webgpu']).length;
  return (inference + 1) * batches.length;
}

/**
 * The webgpu conditional kernel on FFF-1x11 against each webgpu dense kernel on FF-3072
 * and FF-4095 (H = O = 768) at every batch size, then the FFF training step (forward and
 * backward kernels). Weights are uploaded once per kernel, outside the timing.
 */
export async function runKernelRows(setup: GpuRowSetup, batches: readonly number[]): Promise<void> {
  const { ctx } = setup;
  const h = ctx.options.inputSize;
  const layer = { input_size: h, output_size: h };
  const inputs = new Map(batches.map((b) => [b, ctx.data.inputs(b, h)]));
  const shape: ConditionalShape = { trees: TREES, depth: DEPTH, inputSize: h, outputSize: h };
  const weights = ctx.data.conditional(shape);
  const fff = { name: fffName(TREES, DEPTH), family: 'fff', neurons: neuronsOf(TREES, DEPTH), trees: TREES, depth: DEPTH, ...layer } as const;

  ctx.log(`inference: FFF-1x11 vs FF-${DENSE_WIDTHS.join('/FF-')}, H = O = ${h}, B in {${batches.join(', ')}}`);
  for (const kernel of conforming(setup, listKernels('ConditionalMatmul', ['webgpu']))) {
    const prepared = kernel.prepare(weights, shape);
    try {
      let previous: Row | undefined;
      for (const [batch, x] of inputs) {
        const identity: RowIdentity = { suite: 'kernels', ...fff, implementation: kernelLabel(kernel), backend: 'webgpu', level: kernel.level, batch };
        previous = await timeRow(setup, identity, () => kernel.run(prepared, x, batch), previous);
      }
    } finally {
      prepared.dispose();
    }
  }
  for (const width of DENSE_WIDTHS) {
    const denseShape: DenseShape = { inputSize: h, hiddenSize: width, outputSize: h };
    const dense = ctx.data.dense(denseShape);
    for (const kernel of conforming(setup, listKernels('DenseMatmul', ['webgpu']))) {
      const prepared = kernel.prepare(dense, denseShape);
      try {
        let previous: Row | undefined;
        for (const [batch, x] of inputs) {
          const identity: RowIdentity = { suite: 'kernels', name: `ff-${width}`, family: 'ff', implementation: kernelLabel(kernel), backend: 'webgpu', level: kernel.level, neurons: width, ...layer, batch };
          previous = await timeRow(setup, identity, () => kernel.run(prepared, x, batch), previous);
        }
      } finally {
        prepared.dispose();
      }
    }
  }

  ctx.log(`training step (forward + backward kernels): FFF-1x11, B in {${batches.join(', ')}}`);
  const [forward] = conforming(setup, listKernels('ConditionalForwardTrain', ['webgpu']));
  const [backward] = conforming(setup, listKernels('ConditionalBackward', ['webgpu']));
  if (!forward || !backward) return ctx.skip('training rows', 'the webgpu training forward or backward kernel did not pass conformance (see above)');
  const pf = forward.prepare(shape);
  const pb = backward.prepare(shape);
  try {
    let previous: Row | undefined;
    for (const [batch, x] of inputs) {
      const dy = ctx.data.inputs(batch, h);
      const step = async () => {
        const f = await forward.run(pf, { x, batch, weights });
        return backward.run(pb, { dy, x, batch, wIn: weights.wIn, wOut: weights.wOut, nodes: f.nodes, logits: f.logits, saved: f.saved });
      };
      const identity: RowIdentity = { suite: 'training', ...fff, name: `train ${fff.name}`, implementation: `${kernelLabel(forward)} + ${kernelLabel(backward)}`, backend: 'webgpu', level: forward.level, batch };
      previous = await timeRow(setup, identity, step, previous);
    }
  } finally {
    pf.dispose();
    pb.dispose();
  }
  ctx.skip('training rows of the dense FF on webgpu', '@ufbert/cmm has no webgpu dense training kernel; the training rows are the FFF step alone');
}
