import { beforeAll, describe } from 'vitest';
import { setBackend, describeBackend, type BackendName } from '../backend.js';
import { webgpuTestExpectation } from '../webgpu-adapter.js';

/** Runs `body` once per backend, with that backend active; prints which adapter webgpu ran on. */
export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
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
