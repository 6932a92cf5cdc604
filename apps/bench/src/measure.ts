import { performance } from 'node:perf_hooks';

export interface MeasureOptions {
  /** Target wall time of the timed samples, seconds. */
  budgetS: number;
  /** Fewest timed samples when one call fits the budget. */
  minSamples?: number;
  /** Most timed samples. */
  maxSamples?: number;
  /** A sample repeats the call until it lasts this long, so that short calls are not timer noise. */
  minSampleS?: number;
}

export interface Measurement {
  /** Seconds per call, one entry per sample. */
  perCallS: number[];
  samples: number;
  callsPerSample: number;
  warmupCalls: number;
  medianS: number;
  minS: number;
  maxS: number;
  /** Set when the repetitions were capped because one call is longer than the budget. */
  capped?: string;
}

export type Call = () => unknown;

/** Warm-up calls whose median estimates one call's time. */
const RECENT_CALLS = 63;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `call` (sync, or returning a promise that is awaited): warm-up, then samples of
 * `callsPerSample` calls each, as many as fit `budgetS` within [minSamples, maxSamples].
 * A call that alone takes longer than the budget is not repeated beyond what fits three
 * budgets; its first call is then both warm-up and sample, and `capped` says so.
 */
export async function measure(call: Call, options: MeasureOptions): Promise<Measurement> {
  const { budgetS, minSamples = 3, maxSamples = 30, minSampleS = 0.002 } = options;
  const first = await timeCalls(call, 1);

  if (first >= budgetS) {
    const perCallS = [first];
    let spent = first;
    while (perCallS.length < minSamples && spent + first <= 3 * budgetS) {
      const t = await timeCalls(call, 1);
      perCallS.push(t);
      spent += t;
    }
    return summarise(
      perCallS,
      1,
      0,
      `repetitions capped at ${perCallS.length}: one call takes ${formatSeconds(first)}, over the ${formatSeconds(budgetS)} budget; the first call is also a sample`,
    );
  }

  // Warm-up: at least one more call, for a tenth of the budget, so the JIT has settled.
  // Time, not a count of calls: V8 moves WASM functions from Liftoff to TurboFan after a
  // few ms of running them, and a call of a few µs needs thousands of calls to get there.
  // The estimate is the median of the last warm-up calls, not the last one alone: one call
  // caught by a GC pause or a preempted vCPU would otherwise set the sample length.
  let warmupCalls = 1;
  const recent: number[] = [];
  const warmupDeadline = Math.max(budgetS * 0.1, first);
  let warmupSpent = first;
  while (warmupCalls < 1_000_000 && warmupSpent < warmupDeadline) {
    const t = await timeCalls(call, 1);
    warmupSpent += t;
    recent.push(t);
    if (recent.length > RECENT_CALLS) recent.shift();
    warmupCalls++;
  }
  const estimate = Math.max(recent.length > 0 ? median(recent) : first, 1e-7);

  const callsPerSample = Math.max(1, Math.ceil(minSampleS / estimate));
  const wanted = Math.round(budgetS / (callsPerSample * estimate));
  const samples = Math.min(maxSamples, Math.max(minSamples, wanted));
  const perCallS: number[] = [];
  for (let s = 0; s < samples; s++) perCallS.push((await timeCalls(call, callsPerSample)) / callsPerSample);
  return summarise(perCallS, callsPerSample, warmupCalls);
}

/**
 * Times several calls of about the same length side by side: each round times every call
 * once, in the opposite order to the round before, until `budgetS` per call is spent
 * (within [minSamples, maxSamples] rounds). A drift of the host's speed during the run
 * then lands on every call alike, so their medians can be compared: what two models with
 * the same attention code need for their non-feedforward times to agree. Every call is
 * assumed warmed up already; one call per sample.
 */
export async function measureInterleaved(calls: readonly Call[], options: MeasureOptions): Promise<Measurement[]> {
  const { budgetS, minSamples = 3, maxSamples = 30 } = options;
  const perCallS = calls.map(() => [] as number[]);
  const spent = calls.map(() => 0);
  for (let round = 0; round < maxSamples; round++) {
    if (round >= minSamples && spent.every((s) => s >= budgetS)) break;
    const order = calls.map((_, i) => (round % 2 === 0 ? i : calls.length - 1 - i));
    for (const i of order) {
      const t = await timeCalls(calls[i], 1);
      perCallS[i].push(t);
      spent[i] += t;
    }
  }
  return perCallS.map((samples) => summarise(samples, 1, 0));
}

export function formatSeconds(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1e3).toPrecision(3)} ms`;
}

async function timeCalls(call: Call, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const out = call();
    if (out instanceof Promise) await out;
  }
  return (performance.now() - start) / 1000;
}

function summarise(perCallS: number[], callsPerSample: number, warmupCalls: number, capped?: string): Measurement {
  return {
    perCallS,
    samples: perCallS.length,
    callsPerSample,
    warmupCalls,
    medianS: median(perCallS),
    minS: Math.min(...perCallS),
    maxS: Math.max(...perCallS),
    ...(capped ? { capped } : {}),
  };
}
