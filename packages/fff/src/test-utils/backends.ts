import { beforeAll, describe } from 'vitest';
import { describeBackend, setBackend, webgpuTestExpectation, type BackendName } from '@ufbert/tensor';
// Registers the webgpu kernels, which tests importing single modules would not load.
import '../webgpu/index.js';

/** The backends on which the FFF ops are registered in this package's tests. */
export const FFF_TEST_BACKENDS: BackendName[] = ['cpu', 'wasm', 'webgpu'];

export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const backend of FFF_TEST_BACKENDS) {
    const gate = backend === 'webgpu' ? webgpuTestExpectation() : { expected: true, reason: '' };
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
