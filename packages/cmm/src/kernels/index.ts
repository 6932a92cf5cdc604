import { registerKernel } from '../registry.js';
import type { Kernel } from '../types.js';
import { conditionalBackwardTs } from './ts/conditional-backward.js';
import { conditionalForwardTrainTs } from './ts/conditional-forward-train.js';
import { conditionalMatmulTsFused } from './ts/conditional-matmul-fused.js';
import { conditionalMatmulTsLevel1 } from './ts/conditional-matmul-level1.js';
import { conditionalMatmulTsLevel2 } from './ts/conditional-matmul-level2.js';
import { denseMatmulTsLevel1 } from './ts/dense-matmul-level1.js';
import { denseMatmulTsLevel2 } from './ts/dense-matmul-level2.js';
import { denseMatmulTsLevel3 } from './ts/dense-matmul-level3.js';
import { conditionalBackwardWasm } from './wasm/conditional-backward.js';
import { conditionalForwardTrainWasm } from './wasm/conditional-forward-train.js';
import { conditionalMatmulWasmFused } from './wasm/conditional-matmul-fused.js';
import { denseMatmulWasmFused } from './wasm/dense-matmul-fused.js';

export {
  conditionalBackwardTs,
  conditionalBackwardWasm,
  conditionalForwardTrainTs,
  conditionalForwardTrainWasm,
  conditionalMatmulTsFused,
  conditionalMatmulTsLevel1,
  conditionalMatmulTsLevel2,
  conditionalMatmulWasmFused,
  denseMatmulTsLevel1,
  denseMatmulTsLevel2,
  denseMatmulTsLevel3,
  denseMatmulWasmFused,
};

/** Every kernel this package ships, in the order listKernels() reports them. */
export const builtinKernels: readonly Kernel[] = [
  conditionalMatmulTsLevel1,
  conditionalMatmulTsLevel2,
  conditionalMatmulTsFused,
  conditionalMatmulWasmFused,
  denseMatmulTsLevel1,
  denseMatmulTsLevel2,
  denseMatmulTsLevel3,
  denseMatmulWasmFused,
  conditionalForwardTrainTs,
  conditionalForwardTrainWasm,
  conditionalBackwardTs,
  conditionalBackwardWasm,
];

for (const kernel of builtinKernels) registerKernel(kernel);
