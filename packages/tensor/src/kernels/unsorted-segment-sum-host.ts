import type { TfjsHostKernel } from '../tfjs-host-kernel.js';

/**
 * UnsortedSegmentSum in one pass over x, for the cpu and wasm backends (see backend-gaps.ts).
 * x [...segmentIds.shape, ...inner] -> [numSegments, ...inner]; ids outside [0, numSegments) are dropped, as in tfjs.
 */
export const unsortedSegmentSumHost: TfjsHostKernel = {
  kernelName: 'UnsortedSegmentSum',
  compute({ x, segmentIds }, attrs) {
    const numSegments = attrs.numSegments as number;
    const rows = segmentIds.values.length;
    const inner = rows === 0 ? 0 : x.values.length / rows;
    const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
    const xs = x.values;
    const ids = segmentIds.values;
    for (let r = 0; r < rows; r++) {
      const s = ids[r];
      if (s < 0 || s >= numSegments) continue;
      const src = r * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += xs[src + j];
    }
    return [{ values: out, shape: [numSegments, ...x.shape.slice(segmentIds.shape.length)] }];
  },
};
