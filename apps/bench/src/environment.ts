import { FILE_LIMITS, readTextSync } from '@ufbert/tensor/node';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { formatAdapter, setBackend, webgpuAdapter, type WebGpuAdapterDescription } from '@ufbert/tensor';
import type { MachineInfo } from './report/types.js';

export interface WebGpuProbe {
  description?: WebGpuAdapterDescription;
  reason?: string;
}

/**
 * Looks for a WebGPU adapter through @ufbert/tensor (Dawn in Node), then puts tfjs back
 * on the cpu backend. A probe that has not answered in `timeoutMs` counts as no adapter.
 */
export async function probeWebGpu(timeoutMs = 30_000): Promise<WebGpuProbe> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([setBackend('webgpu'), timeout]);
    const description = webgpuAdapter();
    return description ? { description } : { reason: 'setBackend(webgpu) succeeded but reported no adapter' };
  } catch (err) {
    return { reason: (err as Error).message };
  } finally {
    clearTimeout(timer);
    await setBackend('cpu');
  }
}

export function machineInfo(webgpu: WebGpuProbe): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() || 'unknown',
    cores: cpus.length,
    available_parallelism: os.availableParallelism(),
    total_memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    node_version: process.version,
    webgpu_adapter: webgpu.description ? formatAdapter(webgpu.description) : 'none',
    ...(webgpu.reason ? { webgpu_reason: webgpu.reason } : {}),
  };
}

/** The app's folder (this file is in src/ or dist/). */
const appRoot = fileURLToPath(new URL('..', import.meta.url));

/** Versions of what the numbers depend on, from the package.json of each direct dependency. */
export function softwareVersions(): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node, v8: process.versions.v8 };
  for (const name of ['@tensorflow/tfjs-core', 'onnxruntime-node', '@ufbert/tensor', '@ufbert/cmm', '@ufbert/fff', '@ufbert/crammed-bert']) {
    try {
      const pkg = JSON.parse(readTextSync(join(appRoot, 'node_modules', name, 'package.json'), { what: 'package manifest', maxBytes: FILE_LIMITS.json })) as {
        version?: string;
      };
      out[name] = pkg.version ?? 'unknown';
    } catch {
      out[name] = 'not installed';
    }
  }
  return out;
}
