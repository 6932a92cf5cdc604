import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { GELU_EXACT, GELU_EXACT_GRAD } from '../kernel-names.js';

/**
 * WGSL has no erf. Below |x| = 1 its Maclaurin series (14 terms reach f32 precision);
 * above, erfc from the Chebyshev fit of Numerical Recipes (fractional error < 1.2e-7,
 * and erfc(1) < 0.16, so the absolute error of erf stays below 2e-8). Exported for
 * other WebGPU kernels (@ufbert/cmm) as the source of `fn ufbertErf(x : f32) -> f32`.
 */
export const ERF_WGSL = /* wgsl */ `
fn ufbertErf(x : f32) -> f32 {
  let a = abs(x);
  if (a < 1.0) {
    let x2 = x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 14; n++) {
      term = term * (-x2 / f32(n));
      sum = sum + term / f32(2 * n + 1);
    }
    return 1.1283791670955126 * sum;
  }
  let t = 1.0 / (1.0 + 0.5 * a);
  let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(-a * a + poly);
  return select(r - 1.0, 1.0 - r, x > 0.0);
}
`;

interface WebGpuBackendLike {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32'): TensorInfo;
}

const WORKGROUP = 128;

function elementwiseProgram(shape: number[], key: string, variableNames: string[], body: string): object {
  const size = shape.reduce((a, b) => a * b, 1);
  const groups = Math.ceil(size / WORKGROUP);
  const x = Math.min(groups, 65535);
  return {
    variableNames,
    outputShape: shape,
    shaderKey: key,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [x, Math.ceil(groups / x), 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    getUserCode: () => `
      ${ERF_WGSL}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

export const geluExactWebGpu: KernelConfig = {
  kernelName: GELU_EXACT,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs.x as TensorInfo;
    const program = elementwiseProgram(
      x.shape,
      'ufbert_gelu_exact',
      ['A'],
      `let z = getAByOutputIndex(index);
       setOutputAtIndex(index, 0.5 * z * (1.0 + ufbertErf(z * 0.7071067811865476)));`,
    );
    return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(program, [x], 'float32');
  },
};

export const geluExactGradWebGpu: KernelConfig = {
  kernelName: GELU_EXACT_GRAD,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend }) => {
    const dy = inputs.dy as TensorInfo;
    const x = inputs.x as TensorInfo;
    const program = elementwiseProgram(
      x.shape,
      'ufbert_gelu_exact_grad',
      ['A', 'B'],
      `let g = getAByOutputIndex(index);
       let z = getBByOutputIndex(index);
       let d = 0.5 * (1.0 + ufbertErf(z * 0.7071067811865476)) + z * 0.3989422804014327 * exp(-0.5 * z * z);
       setOutputAtIndex(index, g * d);`,
    );
    return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(program, [dy, x], 'float32');
  },
};
