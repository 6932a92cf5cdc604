import { kernelLabel, listKernels, nodesPerTree, type ConditionalShape, type DenseShape } from '@ufbert/cmm';
import type { Row } from '../src/report/types.js';
import { fffName, type RowIdentity } from '../src/rows.js';
import { conforming, timeRow, type GpuRowSetup } from './gpu-row.js';

const TREES = 1;
const DEPTH = 11;
const DENSE_WIDTHS = [3072, 4095] as const;

/** How many measurements runKernelRows makes, to share the budget among them. */
export function plannedMeasurements(batches: readonly number[]): number {
  const inference = listKernels('ConditionalMatmul', ['webgpu']).length + DENSE_WIDTHS.length * listKernels('DenseMatmul', ['webgpu']).length;
  return (inference + 1) * batches.length;
}

/** One kernel on its prepared weights: the row it makes at a batch of `x`, and how to free its weights. */
interface Contender {
  identity: Omit<RowIdentity, 'batch'>;
  call(x: Float32Array, batch: number): Promise<unknown>;
  dispose(): void;
  /** Its row at the previous batch, from which the next call's time is predicted. */
  previous?: Row;
}

/**
 * The webgpu conditional kernel on FFF-1x11 against each webgpu dense kernel on FF-3072
 * and FF-4095 (H = O = 768), and the FFF training step (forward and backward kernels),
 * batch by batch from the smallest: a device that is lost or hangs at a large batch
 * leaves every smaller batch's comparison complete. Weights are uploaded once per kernel,
 * before the timing.
 */
export async function runKernelRows(setup: GpuRowSetup, batches: readonly number[]): Promise<void> {
  const { ctx } = setup;
  const h = ctx.options.inputSize;
  ctx.log(`FFF-1x11 vs FF-${DENSE_WIDTHS.join('/FF-')} (inference), and the FFF training step, H = O = ${h}, B in {${batches.join(', ')}}`);
  const contenders: Contender[] = [];
  try {
    addInferenceContenders(setup, contenders);
    addTrainingContenders(setup, contenders);
    for (const batch of [...batches].sort((a, b) => a - b)) {
      const x = ctx.data.inputs(batch, h);
      for (const c of contenders) c.previous = await timeRow(setup, { ...c.identity, batch }, () => c.call(x, batch), c.previous);
    }
  } finally {
    for (const c of contenders) c.dispose();
  }
  ctx.skip('training rows of the dense FF on webgpu', '@ufbert/cmm has no webgpu dense training kernel; the training rows are the FFF step alone');
}

/** `make()`'s contender (its prepare() runs there), or a stated skip when preparing failed (a device limit, say). */
function prepareOrSkip(setup: GpuRowSetup, contenders: Contender[], what: string, make: () => Contender): void {
  try {
    contenders.push(make());
  } catch (err) {
    setup.ctx.skip(`${what} (every row)`, `preparing its weights failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

function addInferenceContenders(setup: GpuRowSetup, contenders: Contender[]): void {
  const { ctx } = setup;
  const h = ctx.options.inputSize;
  const layer = { input_size: h, output_size: h };
  const shape: ConditionalShape = { trees: TREES, depth: DEPTH, inputSize: h, outputSize: h };
  const weights = ctx.data.conditional(shape);
  for (const kernel of conforming(setup, listKernels('ConditionalMatmul', ['webgpu']))) {
    const implementation = kernelLabel(kernel);
    prepareOrSkip(setup, contenders, `fff-1x11 ${implementation}`, () => {
      const prepared = kernel.prepare(weights, shape);
      return {
        identity: {
          suite: 'kernels',
          name: fffName(TREES, DEPTH),
          family: 'fff',
          neurons: TREES * nodesPerTree(DEPTH),
          trees: TREES,
          depth: DEPTH,
          ...layer,
          implementation,
          backend: 'webgpu',
          level: kernel.level,
        },
        call: (x, batch) => kernel.run(prepared, x, batch),
        dispose: () => prepared.dispose(),
      };
    });
  }
  const denseKernels = conforming(setup, listKernels('DenseMatmul', ['webgpu']));
  for (const width of DENSE_WIDTHS) {
    const denseShape: DenseShape = { inputSize: h, hiddenSize: width, outputSize: h };
    const dense = ctx.data.dense(denseShape);
    for (const kernel of denseKernels) {
      const implementation = kernelLabel(kernel);
      prepareOrSkip(setup, contenders, `ff-${width} ${implementation}`, () => {
        const prepared = kernel.prepare(dense, denseShape);
        return {
          identity: { suite: 'kernels', name: `ff-${width}`, family: 'ff', neurons: width, ...layer, implementation, backend: 'webgpu', level: kernel.level },
          call: (x, batch) => kernel.run(prepared, x, batch),
          dispose: () => prepared.dispose(),
        };
      });
    }
  }
}

/** One training step of FFF-1x11: the webgpu forward kernel, then the backward kernel on its nodes and logits. */
function addTrainingContenders(setup: GpuRowSetup, contenders: Contender[]): void {
  const { ctx } = setup;
  const h = ctx.options.inputSize;
  const [forward] = conforming(setup, listKernels('ConditionalForwardTrain', ['webgpu']));
  const [backward] = conforming(setup, listKernels('ConditionalBackward', ['webgpu']));
  if (!forward || !backward) {
    ctx.skip('training rows', 'the webgpu training forward or backward kernel did not pass conformance (see above)');
    return;
  }
  const shape: ConditionalShape = { trees: TREES, depth: DEPTH, inputSize: h, outputSize: h };
  const weights = ctx.data.conditional(shape);
  const upstream = new Map<number, Float32Array>();
  prepareOrSkip(setup, contenders, `train fff-1x11 ${kernelLabel(forward)} + ${kernelLabel(backward)}`, () => {
    const pf = forward.prepare(shape);
    const pb = backward.prepare(shape);
    return {
      identity: {
        suite: 'training',
        name: `train ${fffName(TREES, DEPTH)}`,
        family: 'fff',
        neurons: TREES * nodesPerTree(DEPTH),
        trees: TREES,
        depth: DEPTH,
        input_size: h,
        output_size: h,
        implementation: `${kernelLabel(forward)} + ${kernelLabel(backward)}`,
        backend: 'webgpu',
        level: forward.level,
      },
      call: async (x, batch) => {
        let dy = upstream.get(batch);
        if (!dy) upstream.set(batch, (dy = ctx.data.inputs(batch, h)));
        const f = await forward.run(pf, { x, batch, weights });
        return backward.run(pb, { dy, x, batch, wIn: weights.wIn, wOut: weights.wOut, nodes: f.nodes, logits: f.logits, saved: f.saved });
      },
      dispose: () => {
        pf.dispose();
        pb.dispose();
      },
    };
  });
}
