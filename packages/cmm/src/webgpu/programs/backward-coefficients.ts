import { linearGrid, WORKGROUP_SIZE } from '../limits.js';
import { GELU_WGSL, input, output, u32, type GpuProgram } from '../wgsl.js';

export interface BackwardDims {
  readonly batch: number;
  readonly inputSize: number;
  readonly outputSize: number;
  /** N */
  readonly neurons: number;
  /** k (d + 1) */
  readonly visitsPerToken: number;
}

/**
 * One invocation per visit e = (b, t, l) of neuron i with logit z:
 * g[e] = (dy[b] . wOut[:, i]) GELU'(z), act[e] = GELU(z).
 * Bindings: dy [B, O], wOut [O, N], nodes, logits [B, k, d+1], g, act [B k (d+1)].
 */
export function backwardCoefficientsProgram(d: BackwardDims, limits: GPUSupportedLimits): GpuProgram {
  const visits = d.batch * d.visitsPerToken;
  return {
    name: 'backwardCoefficients',
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: 0,
    bindings: [input('dy'), input('wOut'), input('nodes', 'i32'), input('logits'), output('g'), output('act')],
    uniforms: [u32('visits', visits), u32('visitsPerToken', d.visitsPerToken), u32('outputSize', d.outputSize), u32('neurons', d.neurons)],
    dispatch: linearGrid(limits, Math.ceil(visits / WORKGROUP_SIZE), 'backwardCoefficients'),
    declarations: GELU_WGSL,
    main: /* wgsl */ `
  let e = group * ${WORKGROUP_SIZE}u + local;
  if (e < u.visits) {
    let dyRow = (e / u.visitsPerToken) * u.outputSize;
    let i = u32(nodes[e]);
    var s = 0.0;
    for (var r = 0u; r < u.outputSize; r++) {
      s += dy[dyRow + r] * wOut[r * u.neurons + i];
    }
    let z = logits[e];
    g[e] = s * geluGrad(z);
    act[e] = gelu(z);
  }`,
  };
}
