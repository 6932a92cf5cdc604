import { linearGrid, WORKGROUP_SIZE } from '../limits.js';
import { input, output, u32, type GpuProgram } from '../wgsl.js';
import type { BackwardDims } from './backward-coefficients.js';

/**
 * dx[b, j] = sum over b's visits, in path order, of g[e] wIn[node(e), j]; one invocation
 * per element of dx. Bindings: g, nodes [B k (d+1)], wIn [N, H], dx [B, H].
 */
export function inputGradientProgram(d: BackwardDims, limits: GPUSupportedLimits): GpuProgram {
  const size = d.batch * d.inputSize;
  return {
    name: 'inputGradient',
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: 0,
    bindings: [input('g'), input('nodes', 'i32'), input('wIn'), output('dx')],
    uniforms: [u32('size', size), u32('inputSize', d.inputSize), u32('visitsPerToken', d.visitsPerToken)],
    dispatch: linearGrid(limits, Math.ceil(size / WORKGROUP_SIZE), 'inputGradient'),
    declarations: '',
    main: /* wgsl */ `
  let index = group * ${WORKGROUP_SIZE}u + local;
  if (index < u.size) {
    let j = index % u.inputSize;
    let first = (index / u.inputSize) * u.visitsPerToken;
    var s = 0.0;
    for (var e = first; e < first + u.visitsPerToken; e++) {
      s += g[e] * wIn[u32(nodes[e]) * u.inputSize + j];
    }
    dx[index] = s;
  }`,
  };
}
