import { BackendUnavailableError, existingWebGpuDevice, webgpuAdapter, webgpuDevice, type WebGpuAdapterDescription } from '@ufbert/tensor';

export interface WebGpuInfo {
  readonly device: GPUDevice;
  /** The adapter @ufbert/tensor found, for logs. */
  readonly adapter: WebGpuAdapterDescription | undefined;
}

let current: GPUDevice | undefined;
const lostReasons = new WeakMap<GPUDevice, string>();
const watched = new WeakSet<GPUDevice>();

/** Remembers why a device was lost, including `destroyed`, so later calls can say so. */
export function watchDevice(device: GPUDevice): void {
  if (watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => lostReasons.set(device, `${info.reason}${info.message ? `: ${info.message}` : ''}`));
}

/**
 * Finds the WebGPU device the webgpu kernels run on: @ufbert/tensor's, which tfjs's webgpu
 * backend also uses. Rejects with BackendUnavailableError saying why when there is no adapter.
 * The webgpu kernels' isSupported() is true once this resolved.
 */
export async function initWebGpu(): Promise<WebGpuInfo> {
  const device = await webgpuDevice();
  watchDevice(device);
  current = device;
  return { device, adapter: webgpuAdapter() };
}

/** The device, once initWebGpu() or tfjs's webgpu backend (the same device) made it. */
function knownDevice(): GPUDevice | undefined {
  if (current) return current;
  const existing = existingWebGpuDevice();
  if (existing) {
    watchDevice(existing);
    current = existing;
  }
  return current;
}

/** Whether there is a device (initWebGpu(), or setBackend('webgpu') of @ufbert/tensor) that was not lost since. */
export function webgpuReady(): boolean {
  const device = knownDevice();
  return device !== undefined && !lostReasons.has(device);
}

/** Whether the device's adapter emulates a GPU on the CPU (SwiftShader, llvmpipe). */
export function webgpuEmulated(): boolean {
  return webgpuAdapter()?.isCpuAdapter ?? false;
}

/** Throws BackendUnavailableError when `device` was lost. */
export function assertDeviceUsable(device: GPUDevice, what: string): void {
  const lost = lostReasons.get(device);
  if (lost !== undefined) {
    throw new BackendUnavailableError(`${what}: the WebGPU device was lost (${lost}); its buffers and pipelines are gone`);
  }
}

/** The device of the webgpu kernels, or BackendUnavailableError saying what is missing. */
export function requireDevice(what: string): GPUDevice {
  const device = knownDevice();
  if (!device) throw new BackendUnavailableError(`${what}: no WebGPU device yet; await initWebGpu() first (it says why when there is no adapter)`);
  assertDeviceUsable(device, what);
  return device;
}
