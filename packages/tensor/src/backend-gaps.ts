import { registerHostKernel } from './host-kernel.js';
import { unsortedSegmentSumHost } from './kernels/unsorted-segment-sum-host.js';

// Kernels a tfjs backend lacks but ufbert's models need (registerHostKernel leaves a
// backend's own kernel in place).
registerHostKernel(unsortedSegmentSumHost);
