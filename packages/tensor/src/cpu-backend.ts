// tfjs's cpu backend, registered without its Node banner. tfjs-backend-cpu's MathBackendCPU prints
// "Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our
// node backend" (console.warn) on its first write wherever env IS_NODE is true, guarded only by its own
// `firstUse` field (tfjs-backend-cpu/src/backend_cpu.ts). The advice is wrong here: ufbert's fast paths are
// its WASM and WebGPU kernels and onnxruntime-node, none of which tfjs-node runs. tfjs's other switches,
// the IS_TEST and PROD flags, silence every tfjs warning; this clears that one guard instead.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The priority tfjs-backend-cpu registers its backend with (the lowest: any other backend is preferred). */
const CPU_PRIORITY = 1;

/** A cpu backend that has had its "first use", so it never prints the banner. */
export function createCpuBackend(): MathBackendCPU {
  const backend = new MathBackendCPU();
  (backend as unknown as { firstUse: boolean }).firstUse = false;
  return backend;
}

// Importing tfjs-backend-cpu registered its own factory; the engine makes no backend before its first op.
tf.removeBackend('cpu');
tf.registerBackend('cpu', createCpuBackend, CPU_PRIORITY);
