import { existsSync } from 'node:fs';
import { beforeAll, describe } from 'vitest';
import { setBackend, describeBackend, type BackendName } from '../backend.js';

/** Where tools/setup-system.sh puts the SwiftShader Vulkan driver. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Whether webgpu tests must run. Where the setup script installed a CPU WebGPU
 * driver, a missing adapter is a failure, not a skip.
 */
export function webgpuExpected(): { expected: boolean; reason: string } {
  if (process.env.UFBERT_SKIP_WEBGPU === '1') return { expected: false, reason: 'UFBERT_SKIP_WEBGPU=1' };
  if (existsSync(SWIFTSHADER_ICD)) return { expected: true, reason: '' };
  return { expected: false, reason: `no WebGPU driver installed (${SWIFTSHADER_ICD} missing; run tools/setup-system.sh as root)` };
}

/** Runs `body` once per backend, with that backend active; prints which adapter webgpu ran on. */
export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
    const gate = backend === 'webgpu' ? webgpuExpected() : { expected: true, reason: '' };
    const suite = gate.expected ? describe : describe.skip;
    suite(`${title} [${backend}]${gate.expected ? '' : ` (skipped: ${gate.reason})`}`, () => {
      beforeAll(async () => {
        await setBackend(backend);
        if (backend === 'webgpu') console.info(`${title}: running on ${describeBackend()}`);
      }, 60_000);
      body(backend);
    });
  }
}
