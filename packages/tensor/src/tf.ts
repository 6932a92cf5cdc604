// The one place ufbert imports tfjs. tfjs-core registers neither its gradients nor the
// chained Tensor methods (x.sum()) on its own: "#tfjs-registrations" (package.json imports)
// registers both, from a bundle made at build time in Node (scripts/bundle-tfjs-registrations.mjs)
// and from tfjs-core's own modules in bundlers (tfjs-registrations.ts), without the
// @tensorflow/tfjs union package and its layers, converter and data.
// tfjs-core's typings name the global `Long` of @types/long without referencing it, which
// only resolves where @types/long is hoisted; with pnpm a user's tsc (without skipLibCheck)
// would fail inside tfjs-core. Our declarations reference it, from our own dependency.
/// <reference types="long" preserve="true" />
import * as tf from '@tensorflow/tfjs-core';
import './cpu-backend.js';
import '#tfjs-registrations';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Rank, DataType, TensorContainer } from '@tensorflow/tfjs-core';
