import { existsSync } from 'node:fs';
import { beforeAll, describe } from 'vitest';
import { describeBackend, setBackend, type BackendName } from '@ufbert/tensor';
// Registers the webgpu kernels, which tests importing single modules would not load.
import '../webgpu/index.js';

/** Where tools/setup-system.sh puts the SwiftShader Vulkan driver; where it exists, a missing adapter fails the webgpu suites. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function webgpuSkipReason(): string | undefined {
  if (process.env.UFBERT_SKIP_WEBGPU === '1') return 'UFBERT_SKIP_WEBGPU=1';
  if (!existsSync(SWIFTSHADER_ICD)) return `no WebGPU driver installed (${SWIFTSHADER_ICD} missing; run tools/setup-system.sh as root)`;
  return undefined;
}

/** The backends on which the FFF ops are registered in this package's tests. */
export const FFF_TEST_BACKENDS: BackendName[] = ['cpu', 'wasm', 'webgpu'];

export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const backend of FFF_TEST_BACKENDS) {
    const skipReason = backend === 'webgpu' ? webgpuSkipReason() : undefined;
    const suite = skipReason ? describe.skip : describe;
    suite(`${title} [${backend}]${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
      beforeAll(async () => {
        await setBackend(backend);
        if (backend === 'webgpu') console.info(`${title}: running on ${describeBackend()}`);
      }, 60_000);
      body(backend);
    });
  }
}
