import { describeEachBackend as describeOnEach } from '@ufbert/test-utils/describe-each-backend';
import { describeBackend, setBackend, type Device } from '../backend.js';

/** The workspace's describeEachBackend on this package's source, the instance these tests exercise. */
export function describeEachBackend(title: string, body: (backend: Device) => void): void {
  describeOnEach({ setBackend, describeBackend }, title, body);
}
