export type TestBackend = 'cpu' | 'wasm' | 'webgpu';

/** The parts of @ufbert/tensor that switching backends in a test needs. */
export interface BackendSwitch {
  setBackend(backend: TestBackend): Promise<unknown>;
  describeBackend(): string;
}

/** The tfjs backends every backend-parametrised suite runs on. */
export declare const TEST_BACKENDS: readonly TestBackend[];

/** Runs `body` once per backend of TEST_BACKENDS with that backend active (tensor's setBackend); webgpu is skipped, with the reason, where webgpuTestExpectation() does not expect it. */
export declare function describeEachBackend(tensor: BackendSwitch, title: string, body: (backend: TestBackend) => void): void;
