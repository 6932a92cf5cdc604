import { tf } from './tf.js';
import type { Tensor } from '@tensorflow/tfjs-core';
import { registerTfjsHostKernel } from './tfjs-host-kernel.js';
import { GELU_EXACT, GELU_EXACT_GRAD } from './kernel-names.js';
import { geluExactGradHost, geluExactHost } from './kernels/gelu-host.js';
import { geluExactGradWebGpu, geluExactWebGpu } from './kernels/gelu-webgpu.js';

// tfjs's own gelu is the tanh approximation; the reference uses the erf form.
registerTfjsHostKernel(geluExactHost);
registerTfjsHostKernel(geluExactGradHost);
for (const config of [geluExactWebGpu, geluExactGradWebGpu]) {
  if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
}
if (!tf.getGradient(GELU_EXACT)) {
  tf.registerGradient({
    kernelName: GELU_EXACT,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.engine().runKernel(GELU_EXACT_GRAD, { dy: dy as Tensor, x }) as Tensor };
    },
  });
}

/** GELU with the exact erf, `0.5 z (1 + erf(z / sqrt 2))`, as PyTorch's default. Differentiable. */
export function geluExact<T extends Tensor>(x: T): T {
  if (x.dtype !== 'float32') throw new TypeError(`geluExact expects a float32 tensor, got ${x.dtype}`);
  return tf.engine().runKernel(GELU_EXACT, { x }) as T;
}
