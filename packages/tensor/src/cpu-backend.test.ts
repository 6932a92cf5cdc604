import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setBackend } from './backend.js';
import { tf } from './tf.js';

const BANNER = /looks like you are running TensorFlow\.js in Node\.js|tfjs-node/;

afterEach(() => vi.restoreAllMocks());

describe('the cpu backend', () => {
  it("prints no 'install tfjs-node' banner, where tfjs-backend-cpu's own backend does", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    // tfjs's own backend, on its first write, prints the banner in Node: the condition this test guards against.
    const plain = new MathBackendCPU();
    plain.write(new Float32Array(2), [2], 'float32');
    plain.dispose();
    expect(warn.mock.calls.flat().join('\n')).toMatch(BANNER);
    warn.mockClear();

    const fresh = tf.findBackendFactory('cpu')() as MathBackendCPU;
    fresh.write(new Float32Array(2), [2], 'float32');
    fresh.dispose();
    await setBackend('cpu');
    const x = tf.tensor1d([1, 2, 3]);
    expect(Array.from(x.square().dataSync())).toEqual([1, 4, 9]);
    x.dispose();
    expect([...warn.mock.calls, ...log.mock.calls].flat().join('\n')).not.toMatch(BANNER);
  });
});
