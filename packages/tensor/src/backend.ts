import { tf } from './tf.js';
import { BackendUnavailableError, UfbertError } from './errors.js';
import { patchWasmBatchMatMul } from './kernels/wasm-batch-matmul.js';
import { acquireWebGpuAdapter, formatAdapter, type WebGpuAdapterDescription } from './webgpu-adapter.js';

/**
 * Where a model runs: one of tfjs's backends (cpu: TypeScript on the host, wasm:
 * WebAssembly on the host, webgpu: the GPU). The one name for it in every package: a
 * pipeline's `device` option, the CLI's `--device`, a model's backend. `'auto'` beside it
 * (setBackend, options) asks for the fastest that is not an emulated GPU.
 */
export type Device = 'cpu' | 'wasm' | 'webgpu';

export const DEVICES: readonly Device[] = ['cpu', 'wasm', 'webgpu'];

let webgpuDescription: WebGpuAdapterDescription | undefined;
let device: GPUDevice | undefined;
const registered = new Set<Device>(['cpu']);
const registering = new Map<Device, Promise<void>>();
let lostReason: string | undefined;

async function registerWasm(): Promise<void> {
  // Importing registers the backend; in Node its loader reads the .wasm files next to its dist.
  await import('@tensorflow/tfjs-backend-wasm');
  patchWasmBatchMatMul();
}

async function registerWebGpu(): Promise<void> {
  const { adapter, description } = await acquireWebGpuAdapter();
  const webgpu = await import('@tensorflow/tfjs-backend-webgpu');
  const limits = adapter.limits;
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') lostReason = `${info.reason}: ${info.message}`;
  });
  webgpuDescription = description;
  // The package registers its own factory on import when navigator.gpu exists; ours
  // replaces it so that tfjs runs on the adapter we found and describe.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  const created = device;
  tf.registerBackend('webgpu', () => new webgpu.WebGPUBackend(created, adapter.info as never), 3);
}

async function ensureRegistered(name: Device): Promise<void> {
  if (registered.has(name)) return;
  let p = registering.get(name);
  if (!p) {
    p = (name === 'wasm' ? registerWasm() : registerWebGpu()).then(() => {
      registered.add(name);
    });
    p.catch(() => registering.delete(name));
    registering.set(name, p);
  }
  await p;
}

/**
 * Selects the tfjs backend. `auto` takes webgpu when a GPU adapter exists, else wasm, else
 * cpu, and says once on stderr why it fell back. An adapter that emulates a GPU on the CPU
 * (SwiftShader, llvmpipe) is passed over: wasm is tens of times faster there.
 */
export async function setBackend(choice: Device | 'auto'): Promise<Device> {
  if (choice === 'auto') {
    const reasons: string[] = [];
    for (const name of ['webgpu', 'wasm', 'cpu'] as const) {
      try {
        await setBackend(name);
        if (name === 'webgpu' && webgpuDescription?.isCpuAdapter) {
          reasons.push(`webgpu passed over: ${formatAdapter(webgpuDescription)} emulates a GPU on the CPU`);
          continue;
        }
        if (reasons.length) warnOnce(`ufbert: backend auto chose ${name} (${reasons.join('; ')})`);
        return name;
      } catch (err) {
        reasons.push(`${name} unavailable: ${(err as Error).message}`);
      }
    }
    throw new BackendUnavailableError(`no backend could start: ${reasons.join('; ')}`);
  }
  if (!DEVICES.includes(choice)) {
    throw new UfbertError(`unknown backend '${String(choice)}'; expected one of cpu, wasm, webgpu, auto`);
  }
  await ensureRegistered(choice);
  let ok: boolean;
  try {
    ok = await tf.setBackend(choice);
  } catch (err) {
    throw new BackendUnavailableError(`${choice}: tfjs could not initialise the backend: ${(err as Error).message}`);
  }
  if (!ok) throw new BackendUnavailableError(`${choice}: tfjs could not initialise the backend`);
  await tf.ready();
  return choice;
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/** The active backend's name. */
export function activeBackend(): Device {
  const name = tf.getBackend();
  if (!DEVICES.includes(name as Device)) {
    throw new UfbertError(`tfjs backend '${name}' is not one ufbert supports (cpu, wasm, webgpu)`);
  }
  return name as Device;
}

/** The adapter the webgpu backend runs on, once `setBackend('webgpu')` succeeded. */
export function webgpuAdapter(): WebGpuAdapterDescription | undefined {
  return webgpuDescription;
}

/**
 * The GPUDevice the webgpu backend runs on, created on first call without making webgpu
 * the active backend. An adapter makes one device, so other WebGPU code (@ufbert/cmm's
 * kernels) shares this one. Throws BackendUnavailableError when there is no adapter.
 */
export async function webgpuDevice(): Promise<GPUDevice> {
  await ensureRegistered('webgpu');
  return device!;
}

/** The GPUDevice of the webgpu backend if one was made already (by setBackend('webgpu') or webgpuDevice()), without waiting. */
export function existingWebGpuDevice(): GPUDevice | undefined {
  return device;
}

/** One line naming the active backend and, for webgpu, its adapter. */
export function describeBackend(): string {
  const name = activeBackend();
  if (name === 'webgpu' && webgpuDescription) return `webgpu on ${formatAdapter(webgpuDescription)}`;
  return name;
}

/** Throws a typed error when the WebGPU device was lost since it was created. */
export function assertDeviceAlive(): void {
  if (lostReason) throw new BackendUnavailableError(`webgpu: the device was lost (${lostReason}); call setBackend again once the cause is fixed`);
}
