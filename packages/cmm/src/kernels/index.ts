import { registerKernel } from '../registry.js';
import type { HostKernel } from '../types.js';
import { webgpuKernels } from '../webgpu/kernels/index.js';
import { conditionalBackwardTs } from './ts/conditional-backward.js';
import { conditionalForwardTrainTs } from './ts/conditional-forward-train.js';
import { conditionalMatmulTsFused } from './ts/conditional-matmul-fused.js';
import { conditionalMatmulTsLevel1 } from './ts/conditional-matmul-level1.js';
import { conditionalMatmulTsLevel2 } from './ts/conditional-matmul-level2.js';
import { conditionalMatmulTsQ8 } from './ts/conditional-matmul-q8.js';
import { denseMatmulTsLevel1 } from './ts/dense-matmul-level1.js';
import { denseMatmulTsLevel2 } from './ts/dense-matmul-level2.js';
import { denseMatmulTsLevel3 } from './ts/dense-matmul-level3.js';
import { conditionalBackwardWasm } from './wasm/conditional-backward.js';
import { conditionalForwardTrainWasm } from './wasm/conditional-forward-train.js';
import { conditionalMatmulWasmFused } from './wasm/conditional-matmul-fused.js';
import { conditionalMatmulWasmQ8 } from './wasm/conditional-matmul-q8.js';
import { denseMatmulWasmFused } from './wasm/dense-matmul-fused.js';

export {
  conditionalBackwardTs,
  conditionalBackwardWasm,
  conditionalForwardTrainTs,
  conditionalForwardTrainWasm,
  conditionalMatmulTsFused,
  conditionalMatmulTsLevel1,
  conditionalMatmulTsLevel2,
  conditionalMatmulTsQ8,
  conditionalMatmulWasmFused,
  conditionalMatmulWasmQ8,
  denseMatmulTsLevel1,
  denseMatmulTsLevel2,
  denseMatmulTsLevel3,
  denseMatmulWasmFused,
};

/** Every host kernel this package ships, in the order listKernels() reports them (the webgpu kernels follow). */
export const builtinKernels: readonly HostKernel[] = [
  conditionalMatmulTsLevel1,
  conditionalMatmulTsLevel2,
  conditionalMatmulTsFused,
  conditionalMatmulWasmFused,
  conditionalMatmulTsQ8,
  conditionalMatmulWasmQ8,
  denseMatmulTsLevel1,
  denseMatmulTsLevel2,
  denseMatmulTsLevel3,
  denseMatmulWasmFused,
  conditionalForwardTrainTs,
  conditionalForwardTrainWasm,
  conditionalBackwardTs,
  conditionalBackwardWasm,
];

for (const kernel of [...builtinKernels, ...webgpuKernels]) registerKernel(kernel);
