import { formatAdapter } from '@ufbert/tensor';
import { webgpuTestExpectation } from '@ufbert/test-utils/webgpu-test-expectation';
import { initWebGpu, type WebGpuInfo } from '../device.js';

/**
 * Starts the webgpu kernels' device for a test file, as the workspace's
 * webgpuTestExpectation() decides: where WebGPU is expected, a missing adapter fails the
 * file instead of skipping it; elsewhere the suites are skipped with the reason. Prints the adapter.
 */
export async function startWebGpuForTests(title: string): Promise<{ info?: WebGpuInfo; skipReason?: string }> {
  const gate = webgpuTestExpectation();
  if (process.env.UFBERT_SKIP_WEBGPU === '1') return { skipReason: gate.reason };
  try {
    const info = await initWebGpu();
    console.info(`${title}: running on ${info.adapter ? formatAdapter(info.adapter) : 'an unnamed adapter'}`);
    return { info };
  } catch (err) {
    if (gate.expected) throw err;
    return { skipReason: `no WebGPU adapter (${(err as Error).message}); ${gate.reason}` };
  }
}
