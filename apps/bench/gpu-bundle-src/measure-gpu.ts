import { median, type Measurement } from '../src/measure.js';
import { GpuTimingError } from './errors.js';
import type { GpuCallTimer } from './gpu-timer.js';

const MIN_SAMPLES = 3;
const MAX_SAMPLES = 200;

/**
 * Times `call` on the GPU as ../src/measure.ts times host calls: warm-up for a tenth of the
 * budget (pipelines compile on the first call), then as many one-call samples as fit
 * `budgetS` of host time (within [3, 200]). The samples are GPU seconds, the budget is
 * spent in host seconds (uploads and read-backs included).
 */
export async function measureGpu(timer: GpuCallTimer, what: string, call: () => Promise<unknown>, budgetS: number): Promise<Measurement> {
  const first = await timer.time(what, call);
  let warmupCalls = 1;
  let spent = first.wallS;
  let last = first;
  while (warmupCalls < 1000 && spent < budgetS * 0.1) {
    last = await timer.time(what, call);
    spent += last.wallS;
    warmupCalls++;
  }
  const samples = Math.min(MAX_SAMPLES, Math.max(MIN_SAMPLES, Math.floor(budgetS / Math.max(last.wallS, 1e-6))));
  const perCallS: number[] = [];
  for (let s = 0; s < samples; s++) perCallS.push((await timer.time(what, call)).gpuS);
  const medianS = median(perCallS);
  if (!(medianS > 0))
    throw new GpuTimingError(`${what}: a median GPU time of ${medianS} s over ${samples} calls; expected a positive time (does the adapter write timestamps?)`);
  return { perCallS, samples, callsPerSample: 1, warmupCalls, medianS, minS: Math.min(...perCallS), maxS: Math.max(...perCallS) };
}
