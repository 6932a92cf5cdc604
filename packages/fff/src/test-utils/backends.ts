import * as tensor from '@ufbert/tensor';
import type { Device } from '@ufbert/tensor';
import { describeEachBackend as describeOnEach } from '@ufbert/test-utils/describe-each-backend';
// Registers the webgpu kernels, which tests importing single modules would not load.
import '../webgpu/index.js';

/** The workspace's describeEachBackend, with the FFF ops' webgpu kernels registered. */
export function describeEachBackend(title: string, body: (backend: Device) => void): void {
  describeOnEach(tensor, title, body);
}
