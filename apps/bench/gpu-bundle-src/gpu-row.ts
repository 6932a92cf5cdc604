import { kernelLabel } from '@ufbert/cmm';
import type { SuiteContext } from '../src/context.js';
import { formatSeconds } from '../src/measure.js';
import type { Row } from '../src/report/types.js';
import { makeRow, type RowIdentity } from '../src/rows.js';
import { refusal, type KernelVerdict } from './conformance.js';
import type { DeviceWatch } from './device-watch.js';
import { TIMING_NOTES, type GpuCallTimer } from './gpu-timer.js';
import { measureGpu } from './measure-gpu.js';

export interface GpuRowSetup {
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
export async function timeRow(setup: GpuRowSetup, identity: RowIdentity, call: () => Promise<unknown>, previous?: Row): Promise<Row | undefined> {
  const { ctx, timer, watch } = setup;
  const what = `${identity.name} ${identity.implementation} B=${identity.batch}`;
  const unusable = watch.unusable;
  if (unusable) return void ctx.skip(what, unusable);
  if (performance.now() > setup.stopAt) return void ctx.skip(what, 'the run reached its --max-s limit before this row');
  const predictedS = previous ? (previous.median_us_per_token * identity.batch) / 1e6 : 0;
  if (predictedS > setup.maxCallS) {
    return void ctx.skip(
      what,
      `one call would take about ${formatSeconds(predictedS)} (${previous!.median_us_per_token} µs/token at B=${previous!.batch}), over --max-call-s ${setup.maxCallS}`,
    );
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
export function conforming<K extends { kernelName: string; backend: string; level: number | 'fused' }>(setup: GpuRowSetup, kernels: readonly K[]): K[] {
  return kernels.filter((k) => {
    const why = refusal(setup.verdicts, kernelLabel(k));
    if (why) setup.ctx.skip(`${kernelLabel(k)} (every row)`, why);
    return !why;
  });
}
