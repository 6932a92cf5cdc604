import { describeEachBackend as describeOnEach } from '../../../../tools/describe-each-backend.js';
import { describeBackend, setBackend, type BackendName } from '../backend.js';
import { webgpuTestExpectation } from '../webgpu-adapter.js';

/** The workspace's describeEachBackend on this package's source, the instance these tests exercise. */
export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  describeOnEach({ setBackend, describeBackend, webgpuTestExpectation }, title, body);
}
