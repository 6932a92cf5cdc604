import { registerTfjsHostKernel } from './tfjs-host-kernel.js';
import { unsortedSegmentSumHost } from './kernels/unsorted-segment-sum-host.js';

// UnsortedSegmentSum is the gradient of gather, i.e. of every embedding lookup. wasm lacks
// it, and tfjs-cpu's makes one pass over the input per segment (per vocabulary entry:
// 40 s a step at a 4096-word vocabulary); the host kernel makes one pass in all.
registerTfjsHostKernel(unsortedSegmentSumHost, { replace: true });
