import { existsSync } from 'node:fs';
import { formatAdapter } from '@ufbert/tensor';
import { initWebGpu, type WebGpuInfo } from '../device.js';

/** Where tools/setup-system.sh puts the SwiftShader Vulkan driver. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Starts the webgpu kernels' device for a test file, as @ufbert/tensor's webgpuExpected()
 * decides: where the SwiftShader driver is installed, a missing adapter fails the file
 * instead of skipping it; elsewhere the suites are skipped with the reason
 * (UFBERT_SKIP_WEBGPU=1 skips them anywhere). Prints the adapter.
 */
export async function startWebGpuForTests(title: string): Promise<{ info?: WebGpuInfo; skipReason?: string }> {
  if (process.env.UFBERT_SKIP_WEBGPU === '1') return { skipReason: 'UFBERT_SKIP_WEBGPU=1' };
  try {
    const info = await initWebGpu();
    console.info(`${title}: running on ${info.adapter ? formatAdapter(info.adapter) : 'an unnamed adapter'}`);
    return { info };
  } catch (err) {
    if (existsSync(SWIFTSHADER_ICD)) throw err;
    return { skipReason: `no WebGPU adapter (${(err as Error).message}); ${SWIFTSHADER_ICD} is missing` };
  }
}
