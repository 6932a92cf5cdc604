import { performance } from 'node:perf_hooks';
import type { DeviceWatch } from './device-watch.js';
import { GpuTimingError } from './errors.js';

export type TimingMethod = 'timestamp-query' | 'wall-clock';

/** What a row's time is, in its note. */
export const TIMING_NOTES: Record<TimingMethod, string> = {
  'timestamp-query': 'GPU time of the compute passes (timestamp queries)',
  'wall-clock': 'wall clock from submit to onSubmittedWorkDone, overlaps counted once (no timestamp queries): includes the copy to the read-back buffer',
};

/** More compute passes per command encoder than any cmm webgpu kernel records. */
const MAX_PASSES = 64;
const BYTES_PER_PASS = 16;

/** The timestamp queries of one command encoder, reused by later calls. */
interface EncoderQueries {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  read: GPUBuffer;
  passes: number;
}

export interface TimedCall {
  /** GPU seconds of the call's work (the method's measure of it). */
  gpuS: number;
  /** Host seconds of the whole call, uploads and read-backs included: what the budget is spent on. */
  wallS: number;
}

/**
 * Times the GPU work of one call of the cmm webgpu kernels without changing them: while a
 * call runs, the device's command encoders (timestamp-query) or its queue's submissions
 * (wall clock) are instrumented on this device object only. With timestamp queries a
 * call's time is, per command encoder, the first pass's beginning to the last pass's
 * end, summed over encoders (a training step has two: forward and backward).
 */
export class GpuCallTimer {
  private readonly pool: EncoderQueries[] = [];

  constructor(
    private readonly device: GPUDevice,
    readonly method: TimingMethod,
    private readonly watch: DeviceWatch,
  ) {}

  async time(what: string, call: () => Promise<unknown>): Promise<TimedCall> {
    return this.method === 'timestamp-query' ? this.timeWithQueries(what, call) : this.timeWithSubmits(what, call);
  }

  private async timeWithQueries(what: string, call: () => Promise<unknown>): Promise<TimedCall> {
    const device = this.device;
    const create = device.createCommandEncoder;
    const used: EncoderQueries[] = [];
    device.createCommandEncoder = (descriptor?: GPUCommandEncoderDescriptor) => {
      const queries = this.queries(used.length);
      used.push(queries);
      return instrument(create.call(device, descriptor), queries);
    };
    const start = performance.now();
    try {
      await this.watch.wait(what, call());
    } finally {
      // The prototype's method again (the override was an own property of this device).
      delete (device as Partial<GPUDevice>).createCommandEncoder;
    }
    const wallS = (performance.now() - start) / 1000;
    let gpuNs = 0;
    for (const q of used) gpuNs += await this.span(what, q);
    return { gpuS: gpuNs / 1e9, wallS };
  }

  private async timeWithSubmits(what: string, call: () => Promise<unknown>): Promise<TimedCall> {
    const queue = this.device.queue;
    const submit = queue.submit;
    const done: Array<Promise<Interval>> = [];
    queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
      const submitted = performance.now();
      submit.call(queue, buffers);
      done.push(queue.onSubmittedWorkDone().then((): Interval => [submitted, performance.now()]));
    };
    const start = performance.now();
    try {
      await this.watch.wait(what, call());
    } finally {
      delete (queue as Partial<GPUQueue>).submit;
    }
    const wallS = (performance.now() - start) / 1000;
    const intervals = await this.watch.wait(`${what} (onSubmittedWorkDone)`, Promise.all(done));
    return { gpuS: unionMs(intervals) / 1000, wallS };
  }

  private queries(index: number): EncoderQueries {
    let q = this.pool[index];
    if (!q) {
      const size = MAX_PASSES * BYTES_PER_PASS;
      q = {
        querySet: this.device.createQuerySet({ label: `bench timestamps ${index}`, type: 'timestamp', count: 2 * MAX_PASSES }),
        resolve: this.device.createBuffer({ label: `bench timestamps ${index} resolve`, size, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
        read: this.device.createBuffer({ label: `bench timestamps ${index} read-back`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
        passes: 0,
      };
      this.pool.push(q);
    }
    q.passes = 0;
    return q;
  }

  /** Nanoseconds from the first pass's beginning to the last pass's end of one encoder. */
  private async span(what: string, q: EncoderQueries): Promise<number> {
    if (q.passes === 0) return 0;
    const bytes = q.passes * BYTES_PER_PASS;
    await this.watch.wait(`${what} (timestamps)`, q.read.mapAsync(GPUMapMode.READ, 0, bytes));
    const stamps = new BigUint64Array(q.read.getMappedRange(0, bytes).slice(0));
    q.read.unmap();
    let first = stamps[0];
    let last = stamps[1];
    for (let i = 0; i < q.passes; i++) {
      if (stamps[2 * i + 1] < stamps[2 * i])
        throw new GpuTimingError(`${what}: pass ${i} ends (${stamps[2 * i + 1]} ns) before it begins (${stamps[2 * i]} ns)`);
      if (stamps[2 * i] < first) first = stamps[2 * i];
      if (stamps[2 * i + 1] > last) last = stamps[2 * i + 1];
    }
    return Number(last - first);
  }

  dispose(): void {
    for (const q of this.pool.splice(0)) {
      q.querySet.destroy();
      q.resolve.destroy();
      q.read.destroy();
    }
  }
}

/** [submitted, done] in performance.now() milliseconds. */
type Interval = [number, number];

/**
 * Milliseconds covered by the intervals: a submission made while an earlier one still runs
 * (tfjs submits every few dispatches) waits for it, and that wait is counted once.
 */
export function unionMs(intervals: readonly Interval[]): number {
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [start, stop] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (stop <= end) continue;
    total += stop - Math.max(start, end);
    end = stop;
  }
  return total;
}

/** The encoder, writing a timestamp at each compute pass's beginning and end, resolved when it is finished. */
function instrument(encoder: GPUCommandEncoder, q: EncoderQueries): GPUCommandEncoder {
  const begin = encoder.beginComputePass;
  const finish = encoder.finish;
  encoder.beginComputePass = (descriptor: GPUComputePassDescriptor = {}) => {
    if (q.passes >= MAX_PASSES)
      throw new GpuTimingError(`more than ${MAX_PASSES} compute passes in one command encoder; expected at most that many per kernel call`);
    const i = q.passes++;
    return begin.call(encoder, { ...descriptor, timestampWrites: { querySet: q.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
  };
  encoder.finish = (descriptor?: GPUCommandBufferDescriptor) => {
    if (q.passes > 0) {
      encoder.resolveQuerySet(q.querySet, 0, 2 * q.passes, q.resolve, 0);
      encoder.copyBufferToBuffer(q.resolve, 0, q.read, 0, q.passes * BYTES_PER_PASS);
    }
    return finish.call(encoder, descriptor);
  };
  return encoder;
}
