import { erf } from '../gelu-math.js';
import type { HostKernel } from '../host-kernel.js';
import { GELU_EXACT, GELU_EXACT_GRAD } from '../kernel-names.js';

const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

export const geluExactHost: HostKernel = {
  kernelName: GELU_EXACT,
  compute({ x }) {
    const out = new Float32Array(x.values.length);
    for (let i = 0; i < out.length; i++) {
      const z = x.values[i];
      out[i] = 0.5 * z * (1 + erf(z * INV_SQRT_2));
    }
    return [{ values: out, shape: x.shape }];
  },
};

export const geluExactGradHost: HostKernel = {
  kernelName: GELU_EXACT_GRAD,
  compute({ dy, x }) {
    const out = new Float32Array(x.values.length);
    for (let i = 0; i < out.length; i++) {
      const z = x.values[i];
      out[i] = dy.values[i] * (0.5 * (1 + erf(z * INV_SQRT_2)) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z));
    }
    return [{ values: out, shape: x.shape }];
  },
};
