import { expect, it } from 'vitest';
import { tf } from './tf.js';
import { describe, beforeAll } from 'vitest';
import { setBackend } from './backend.js';
import { HOST_DEVICES, registerTfjsHostKernel } from './tfjs-host-kernel.js';

// y = 2x written in place into an output allocated by the backend, plus a scratch output
// large enough to grow the wasm heap, which detaches views taken before it.
registerTfjsHostKernel({
  kernelName: 'UfbertTestDoubleInPlace',
  compute({ x }, attrs, outputs) {
    const { scratch } = attrs as unknown as { scratch: number };
    const length = x.values.length; // a view taken before the heap grows
    const [y, big] = outputs.allocate([
      { shape: x.shape, dtype: 'float32' },
      { shape: [scratch], dtype: 'int32' },
    ]);
    const input = x.values;
    if (input.length !== length) throw new Error(`input view of ${input.length} values after the allocation, expected ${length}`);
    for (let i = 0; i < input.length; i++) y[i] = 2 * input[i];
    big.fill(7);
    return [
      { values: y, shape: x.shape },
      { values: big, shape: [scratch] },
    ];
  },
});

registerTfjsHostKernel({
  kernelName: 'UfbertTestThrowsAfterAllocating',
  compute({ x }, _attrs, outputs) {
    outputs.allocate([{ shape: [1 << 20], dtype: 'float32' }]);
    throw new Error(`refused ${x.shape}`);
  },
});

registerTfjsHostKernel({
  kernelName: 'UfbertTestFreshOutput',
  compute({ x }) {
    return [{ values: Float32Array.from(x.values, (v) => v + 1), shape: x.shape }];
  },
});

describe.each(HOST_DEVICES)('host kernels [%s]', (backend) => {
  beforeAll(() => setBackend(backend));

  it('adopt outputs allocated in the backend, and read inputs valid after the heap grew', async () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const [y, big] = tf.engine().runKernel('UfbertTestDoubleInPlace', { x }, { scratch: 1 << 22 } as never) as tf.Tensor[];
    expect(Array.from(await y.data())).toEqual([2, 4, 6, 8]);
    const tail = (await big.data()).subarray(-3);
    expect(Array.from(tail)).toEqual([7, 7, 7]);
    tf.dispose([x, y, big]);
  });

  it('free what they allocated when they throw', () => {
    const x = tf.tensor1d([1]);
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) expect(() => tf.engine().runKernel('UfbertTestThrowsAfterAllocating', { x }, {})).toThrow(/refused/);
    expect(tf.engine().backend.numDataIds()).toBe(before);
    x.dispose();
  });

  it('copy in fresh outputs', async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.engine().runKernel('UfbertTestFreshOutput', { x }, {}) as tf.Tensor;
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(await y.data())).toEqual([2, 3, 4, 5]);
    tf.dispose([x, y]);
  });
});
