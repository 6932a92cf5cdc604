import type { WebGpuKernel } from '../types.js';
import { conditionalBackwardWebGpu } from './conditional-backward.js';
import { conditionalForwardTrainWebGpu } from './conditional-forward-train.js';
import { conditionalMatmulWebGpu } from './conditional-matmul.js';
import { denseMatmulWebGpuFused } from './dense-matmul-fused.js';
import { denseMatmulWebGpuLevel3 } from './dense-matmul-level3.js';

export { conditionalBackwardWebGpu, conditionalForwardTrainWebGpu, conditionalMatmulWebGpu, denseMatmulWebGpuFused, denseMatmulWebGpuLevel3 };

/** Every webgpu kernel, in the order of the host kernels' registry. */
export const webgpuKernels: readonly WebGpuKernel[] = [
  conditionalMatmulWebGpu,
  denseMatmulWebGpuLevel3,
  denseMatmulWebGpuFused,
  conditionalForwardTrainWebGpu,
  conditionalBackwardWebGpu,
];
