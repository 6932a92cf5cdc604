import { BackendUnavailableError } from '@ufbert/tensor';
import { assertDeviceUsable } from './device.js';
import { uploadBuffer } from './buffers.js';
import { WebGpuExecutionError } from './errors.js';
import { ProgramRecorder } from './recorder.js';

/** What a job records: its programs, and the buffers whose contents it reads back, in order. */
export type JobBody = (job: GpuJob) => readonly GPUBuffer[];

/** One run of the cmm webgpu kernels on host arrays: uploads, programs, read-back. */
export class GpuJob {
  readonly recorder: ProgramRecorder;

  constructor(readonly device: GPUDevice) {
    this.recorder = new ProgramRecorder(device, device.createCommandEncoder());
  }

  /** A buffer holding `values`, destroyed after the job. */
  upload(what: string, values: Float32Array | Int32Array): GPUBuffer {
    return this.recorder.keep(uploadBuffer(this.device, what, values));
  }

  /** A zero-filled buffer of `elements` values that can be read back, destroyed after the job. */
  output(what: string, elements: number): GPUBuffer {
    return this.recorder.scratch(what, elements, GPUBufferUsage.COPY_SRC);
  }
}

/**
 * Records `body` on a fresh encoder, submits it, and reads back the buffers it returns.
 * Validation and out-of-memory errors of the device come back as WebGpuExecutionError,
 * a lost device as BackendUnavailableError.
 */
export async function runJob(device: GPUDevice, label: string, body: JobBody): Promise<ArrayBuffer[]> {
  assertDeviceUsable(device, label);
  const job = new GpuJob(device);
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let staging: GPUBuffer[] = [];
  let recording: { error: unknown } | undefined;
  try {
    const results = body(job);
    staging = results.map((b) => device.createBuffer({ label: `${label} read-back`, size: b.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    results.forEach((b, i) => job.recorder.encoder.copyBufferToBuffer(b, 0, staging[i], 0, b.size));
    device.queue.submit([job.recorder.encoder.finish()]);
  } catch (error) {
    recording = { error };
  } finally {
    job.recorder.release();
  }
  // The scopes are popped whatever happened, so that they never leak into later work.
  const errors = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
  try {
    if (recording) throw recording.error;
    const error = errors.find((e) => e !== null);
    if (error) throw new WebGpuExecutionError(`${label}: the device rejected the work: ${error.message}`);
    try {
      await Promise.all(staging.map((s) => s.mapAsync(GPUMapMode.READ)));
    } catch (cause) {
      // A lost device fails every mapping: say that when it is the reason.
      assertDeviceUsable(device, label);
      throw new BackendUnavailableError(`${label}: reading results back from the GPU failed: ${(cause as Error).message}`);
    }
    return staging.map((s) => s.getMappedRange().slice(0));
  } finally {
    for (const s of staging) s.destroy();
  }
}
