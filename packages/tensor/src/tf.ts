// The one place ufbert imports tfjs. tfjs-core's Node bundle registers no
// gradients; the @tensorflow/tfjs union bundle registers every gradient config
// against the same (deduplicated) tfjs-core instance, in Node and in bundlers.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Rank, DataType, TensorContainer } from '@tensorflow/tfjs-core';
