import { beforeAll, describe } from 'vitest';
import { setBackend, type BackendName } from '@ufbert/tensor';

/** The backends on which the FFF ops are registered in this package's tests. */
export const FFF_TEST_BACKENDS: BackendName[] = ['cpu', 'wasm'];

export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const backend of FFF_TEST_BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await setBackend(backend);
      }, 60_000);
      body(backend);
    });
  }
}
