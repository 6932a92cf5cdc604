import { linearGrid, WORKGROUP_SIZE } from '../limits.js';
import { input, output, u32, type GpuProgram } from '../wgsl.js';
import type { VisitSortPlan } from './visit-sort.js';

// The run of neuron i in `entries`, from the counts the scatter left behind.
const RUN_WGSL = /* wgsl */ `
fn runOf(i : u32) -> vec2<u32> {
  var start = 0u;
  if (i > 0u) {
    start = counts[i * u.chunks - 1u];
  }
  return vec2<u32>(start, counts[i * u.chunks + u.chunks - 1u]);
}
`;

const uniformsOf = (p: VisitSortPlan, tiles: number) => [
  u32('neurons', p.neurons),
  u32('chunks', p.chunks),
  u32('visitsPerToken', p.visitsPerToken),
  u32('inputSize', p.inputSize),
  u32('outputSize', p.outputSize),
  u32('tiles', tiles),
];

// A workgroup takes one neuron and 64 of its gradient entries, an invocation one entry:
// its only loop is over the neuron's visits, which keeps every invocation's loop count at
// most the batch (Mesa's llvmpipe stops any invocation after 65535 loop iterations).
const tilesOf = (width: number) => Math.ceil(width / WORKGROUP_SIZE);

/**
 * dWIn[i, j] = sum of g[e] x[b(e), j] and dbIn[i] = sum of g[e] over neuron i's visits,
 * in token order; rows of unvisited neurons get zeros.
 * Bindings: counts, entries (from the visit sort), g, x [B, H], dWIn [N, H], dbIn [N].
 */
export function inputWeightGradientProgram(p: VisitSortPlan, limits: GPUSupportedLimits): GpuProgram {
  return {
    name: 'inputWeightGradient',
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: 0,
    bindings: [input('counts', 'u32'), input('entries', 'u32'), input('g'), input('x'), output('dWIn'), output('dbIn')],
    uniforms: uniformsOf(p, tilesOf(p.inputSize)),
    dispatch: linearGrid(limits, p.neurons * tilesOf(p.inputSize), 'inputWeightGradient'),
    declarations: RUN_WGSL,
    main: /* wgsl */ `
  let i = group / u.tiles;
  let tile = group % u.tiles;
  let j = tile * ${WORKGROUP_SIZE}u + local;
  if (i < u.neurons) {
    let run = runOf(i);
    if (j < u.inputSize) {
      var s = 0.0;
      for (var p = run.x; p < run.y; p++) {
        let e = entries[p];
        s += g[e] * x[(e / u.visitsPerToken) * u.inputSize + j];
      }
      dWIn[i * u.inputSize + j] = s;
    }
    if (tile == 0u && local == 0u) {
      var s = 0.0;
      for (var p = run.x; p < run.y; p++) {
        s += g[entries[p]];
      }
      dbIn[i] = s;
    }
  }`,
  };
}

/**
 * dWOut[r, i] = sum of act[e] dy[b(e), r] over neuron i's visits in token order;
 * columns of unvisited neurons get zeros.
 * Bindings: counts, entries, act, dy [B, O], dWOut [O, N].
 */
export function outputWeightGradientProgram(p: VisitSortPlan, limits: GPUSupportedLimits): GpuProgram {
  return {
    name: 'outputWeightGradient',
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: 0,
    bindings: [input('counts', 'u32'), input('entries', 'u32'), input('act'), input('dy'), output('dWOut')],
    uniforms: uniformsOf(p, tilesOf(p.outputSize)),
    dispatch: linearGrid(limits, p.neurons * tilesOf(p.outputSize), 'outputWeightGradient'),
    declarations: RUN_WGSL,
    main: /* wgsl */ `
  let i = group / u.tiles;
  let r = (group % u.tiles) * ${WORKGROUP_SIZE}u + local;
  if (i < u.neurons) {
    let run = runOf(i);
    if (r < u.outputSize) {
      var s = 0.0;
      for (var p = run.x; p < run.y; p++) {
        let e = entries[p];
        s += act[e] * dy[(e / u.visitsPerToken) * u.outputSize + r];
      }
      dWOut[r * u.neurons + i] = s;
    }
  }`,
  };
}
