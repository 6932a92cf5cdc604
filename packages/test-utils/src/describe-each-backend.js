// The one describeEachBackend of the workspace's tests. It takes the package's own
// @ufbert/tensor (tensor's tests pass its source, the other packages the built one), so
// that the backend it switches is the one the code under test reads.
import { beforeAll, describe } from 'vitest';
import { webgpuTestExpectation } from './webgpu-test-expectation.js';

/** The tfjs backends every backend-parametrised suite runs on. */
export const TEST_BACKENDS = ['cpu', 'wasm', 'webgpu'];

/**
 * Runs `body` once per backend of TEST_BACKENDS, with that backend active, and prints
 * which adapter webgpu ran on. Where `webgpuTestExpectation()` does not expect
 * WebGPU, the webgpu suite is skipped with its reason in the title.
 */
export function describeEachBackend(tensor, title, body) {
  for (const backend of TEST_BACKENDS) {
    const gate = backend === 'webgpu' ? webgpuTestExpectation() : { expected: true, reason: '' };
    const suite = gate.expected ? describe : describe.skip;
    suite(`${title} [${backend}]${gate.expected ? '' : ` (skipped: ${gate.reason})`}`, () => {
      beforeAll(async () => {
        await tensor.setBackend(backend);
        if (backend === 'webgpu') console.info(`${title}: running on ${tensor.describeBackend()}`);
      }, 60_000);
      body(backend);
    });
  }
}
