import * as tensor from '@ufbert/tensor';
import type { BackendName } from '@ufbert/tensor';
import { describeEachBackend as describeOnEach } from '@ufbert/test-utils/describe-each-backend';
// Registers the webgpu kernels, which tests importing single modules would not load.
import '../webgpu/index.js';

/** The workspace's describeEachBackend, with the FFF ops' webgpu kernels registered. */
export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  describeOnEach(tensor, title, body);
}
