import { geluDerivativeFast, geluFast } from '../gelu-table.js';
import type { TfjsHostKernel } from '../tfjs-host-kernel.js';
import { GELU_EXACT, GELU_EXACT_GRAD } from '../kernel-names.js';

export const geluExactHost: TfjsHostKernel = {
  kernelName: GELU_EXACT,
  compute({ x }) {
    const xs = x.values;
    const out = new Float32Array(xs.length);
    for (let i = 0; i < out.length; i++) out[i] = geluFast(xs[i]);
    return [{ values: out, shape: x.shape }];
  },
};

export const geluExactGradHost: TfjsHostKernel = {
  kernelName: GELU_EXACT_GRAD,
  compute({ dy, x }) {
    const xs = x.values;
    const dys = dy.values;
    const out = new Float32Array(xs.length);
    for (let i = 0; i < out.length; i++) out[i] = dys[i] * geluDerivativeFast(xs[i]);
    return [{ values: out, shape: x.shape }];
  },
};
