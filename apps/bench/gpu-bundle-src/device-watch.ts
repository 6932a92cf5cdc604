import { GpuDeadlineError } from './errors.js';

/**
 * Every wait on the GPU under one deadline, and the device's loss remembered: once the
 * device is lost or a wait ran past its deadline, `unusable` says why and the remaining
 * rows are skipped with that reason instead of hanging on a device that will not answer.
 */
export class DeviceWatch {
  private lostReason: string | undefined;
  private hungReason: string | undefined;
  private closing = false;

  constructor(
    device: GPUDevice,
    readonly deadlineMs: number,
  ) {
    void device.lost.then((info) => {
      if (!this.closing) this.lostReason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
  }

  /** Why the device cannot be used any more, or undefined while it can. */
  get unusable(): string | undefined {
    if (this.lostReason !== undefined) return `the WebGPU device was lost (${this.lostReason})`;
    return this.hungReason;
  }

  /** `promise`, or GpuDeadlineError when it has not settled within `ms` (the deadline unless given). */
  async wait<T>(what: string, promise: Promise<T>, ms = this.deadlineMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.hungReason = `${what}: no answer from the GPU in ${ms / 1000} s (the device is taken as hung)`;
        reject(new GpuDeadlineError(this.hungReason));
      }, ms);
    });
    try {
      return await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The run is over: the device's destruction that follows is not a loss. */
  close(): void {
    this.closing = true;
  }
}
