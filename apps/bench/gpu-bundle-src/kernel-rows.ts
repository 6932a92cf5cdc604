import { kernelLabel, listKernels, type ConditionalShape, type DenseShape } from '@ufbert/cmm';
import type { SuiteContext } from '../src/context.js';
import { formatSeconds } from '../src/measure.js';
import type { Row } from '../src/report/types.js';
import { fffName, makeRow, neuronsOf, type RowIdentity } from '../src/rows.js';
import { refusal, type KernelVerdict } from './conformance.js';
import type { DeviceWatch } from './device-watch.js';
import { TIMING_NOTES, type GpuCallTimer } from './gpu-timer.js';
import { measureGpu } from './measure-gpu.js';

const TREES = 1;
const DEPTH = 11;
const DENSE_WIDTHS = [3072, 4095] as const;

export interface KernelRowsSetup {
  ctx: SuiteContext;
  timer: GpuCallTimer;
  watch: DeviceWatch;
  verdicts: readonly KernelVerdict[];
  /** Host seconds of timed samples per measurement. */
  budgetS: number;
  /** performance.now() after which no measurement starts. */
  stopAt: number;
  /** Seconds one call may be predicted to take before its batch is skipped. */
  maxCallS: number;
}

/**
 * One measurement: a row, or a stated skip when the device is gone, the time is up, the
 * call failed, or the same kernel's previous batch predicts a call over --max-call-s.
 */
async function timeRow(setup: KernelRowsSetup, identity: RowIdentity, call: () => Promise<unknown>, previous?: Row): Promise<Row | undefined> {
  const { ctx, timer, watch } = setup;
  const what = `${identity.name} ${identity.implementation} B=${identity.batch}`;
  const unusable = watch.unusable;
  if (unusable) return void ctx.skip(what, unusable);
  if (performance.now() > setup.stopAt) return void ctx.skip(what, 'the run reached its --max-s limit before this row');
  const predictedS = previous ? (previous.median_us_per_token * identity.batch) / 1e6 : 0;
  if (predictedS > setup.maxCallS) {
    return void ctx.skip(what, `one call would take about ${formatSeconds(predictedS)} (${previous!.median_us_per_token} µs/token at B=${previous!.batch}), over --max-call-s ${setup.maxCallS}`);
  }
  try {
    const row = makeRow({ ...identity, note: TIMING_NOTES[timer.method] }, await measureGpu(timer, what, call, setup.budgetS));
    ctx.addRow(row);
    return row;
  } catch (err) {
    ctx.skip(what, watch.unusable ?? (err as Error).message.split('\n')[0]);
    return undefined;
  }
}

/** The kernels of one name that passed conformance here; the others are skips with the reason. */
function conforming<K extends { kernelName: string; backend: string; level: number | 'fused' }>(setup: KernelRowsSetup, kernels: readonly K[]): K[] {
  return kernels.filter((k) => {
    const why = refusal(setup.verdicts, kernelLabel(k));
    if (why) setup.ctx.skip(`${kernelLabel(k)} (every row)`, why);
    return !why;
  });
}

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
export async function runKernelRows(setup: KernelRowsSetup, batches: readonly number[]): Promise<void> {
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
