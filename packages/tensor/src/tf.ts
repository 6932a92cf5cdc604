// The one place ufbert imports tfjs. tfjs-core registers no gradients on its own:
// "#tfjs-gradients" (package.json imports) registers all of tfjs-core's, from a bundle made
// at build time in Node (scripts/bundle-gradients.mjs) and from tfjs-core's own modules in
// bundlers, without the @tensorflow/tfjs union package and its layers, converter and data.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '#tfjs-gradients';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Rank, DataType, TensorContainer } from '@tensorflow/tfjs-core';
