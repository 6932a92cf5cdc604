import { describeEachBackend as describeOnEach } from '../../../../tools/describe-each-backend.js';
import { describeBackend, setBackend, type Device } from '../backend.js';
import { webgpuTestExpectation } from '../webgpu-adapter.js';

/** The workspace's describeEachBackend on this package's source, the instance these tests exercise. */
export function describeEachBackend(title: string, body: (backend: Device) => void): void {
  describeOnEach({ setBackend, describeBackend, webgpuTestExpectation }, title, body);
}
