import { linearGrid, WORKGROUP_SIZE } from '../limits.js';
import { input, output, u32, type GpuProgram } from '../wgsl.js';
import type { BackwardDims } from './backward-coefficients.js';

// A stable counting sort of a batch's visits by neuron, with integer arithmetic only, so
// that the weight gradients can sum each neuron's visits in token order without atomics.
//
// Tokens are cut into `chunks` runs of `chunkTokens`. One invocation per (path position
// q, chunk c) walks its tokens in order; the neurons at one path position are distinct
// per level, so the counter slot [neuron, chunk] has a single writer. An exclusive scan
// over the slots, neuron-major, gives each (neuron, chunk) its first place; the scatter
// walks the same tokens again and fills those places in token order. Afterwards
// `counts[i * chunks + chunks - 1]` is the end of neuron i's run in `entries`, and the
// end of neuron i - 1 its start. The CPU kernels group visits the same way (path-groups.ts).

/** Slots per workgroup in the scan: 64 invocations x 4. */
const SCAN_BLOCK = 4 * WORKGROUP_SIZE;

/** How the visits of a batch are cut for the sort. */
export interface VisitSortPlan extends BackwardDims {
  readonly chunks: number;
  readonly chunkTokens: number;
  /** neurons * chunks */
  readonly slots: number;
  /** 256-slot blocks of the scan */
  readonly blocks: number;
}

/** Counter slots stay near 64 Ki (fast to scan) while chunks keep invocations busy. */
export function visitSortPlan(d: BackwardDims): VisitSortPlan {
  const chunks = Math.max(1, Math.min(Math.ceil(d.batch / 32), Math.floor(65536 / d.neurons)));
  const slots = d.neurons * chunks;
  return { ...d, chunks, chunkTokens: Math.ceil(d.batch / chunks), slots, blocks: Math.ceil(slots / SCAN_BLOCK) };
}

function walkProgram(name: string, p: VisitSortPlan, limits: GPUSupportedLimits, bindings: GpuProgram['bindings'], step: string): GpuProgram {
  const walkers = p.visitsPerToken * p.chunks;
  return {
    name,
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: 0,
    bindings,
    uniforms: [
      u32('walkers', walkers),
      u32('chunks', p.chunks),
      u32('chunkTokens', p.chunkTokens),
      u32('batch', p.batch),
      u32('visitsPerToken', p.visitsPerToken),
      u32('neurons', p.neurons),
    ],
    dispatch: linearGrid(limits, Math.ceil(walkers / WORKGROUP_SIZE), name),
    declarations: '',
    main: /* wgsl */ `
  let walker = group * ${WORKGROUP_SIZE}u + local;
  if (walker < u.walkers) {
    let q = walker / u.chunks;
    let c = walker % u.chunks;
    let end = min(u.batch, (c + 1u) * u.chunkTokens);
    for (var b = c * u.chunkTokens; b < end; b++) {
      let e = b * u.visitsPerToken + q;
      let i = u32(nodes[e]);
      if (i < u.neurons) {
        let slot = i * u.chunks + c;
${step}
      }
    }
  }`,
  };
}

/** counts[i * chunks + c] = visits of neuron i by the tokens of chunk c; counts must start at 0. */
export function countVisitsProgram(p: VisitSortPlan, limits: GPUSupportedLimits): GpuProgram {
  return walkProgram('countVisits', p, limits, [input('nodes', 'i32'), output('counts', 'u32')], '        counts[slot] = counts[slot] + 1u;');
}

/** entries[place] = e for every visit, places taken from the scanned counts in token order. */
export function scatterVisitsProgram(p: VisitSortPlan, limits: GPUSupportedLimits): GpuProgram {
  return walkProgram(
    'scatterVisits',
    p,
    limits,
    [input('nodes', 'i32'), output('counts', 'u32'), output('entries', 'u32')],
    '        let place = counts[slot];\n        entries[place] = e;\n        counts[slot] = place + 1u;',
  );
}

const SCAN_WGSL = /* wgsl */ `
var<workgroup> sums : array<u32, ${WORKGROUP_SIZE}>;
// Exclusive prefix sum of v over the workgroup (Hillis-Steele); every invocation also gets the total.
fn workgroupExclusiveScan(local : u32, v : u32) -> vec2<u32> {
  sums[local] = v;
  workgroupBarrier();
  for (var offset = 1u; offset < ${WORKGROUP_SIZE}u; offset = offset << 1u) {
    var add = 0u;
    if (local >= offset) {
      add = sums[local - offset];
    }
    workgroupBarrier();
    sums[local] = sums[local] + add;
    workgroupBarrier();
  }
  let result = vec2<u32>(sums[local] - v, sums[${WORKGROUP_SIZE - 1}u]);
  workgroupBarrier();
  return result;
}
`;

/** totals[block] = sum of the block's 256 counter slots. */
export function scanBlockTotalsProgram(p: VisitSortPlan, limits: GPUSupportedLimits): GpuProgram {
  return {
    name: 'scanBlockTotals',
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: WORKGROUP_SIZE * 4,
    bindings: [input('counts', 'u32'), output('totals', 'u32')],
    uniforms: [u32('slots', p.slots), u32('blocks', p.blocks)],
    dispatch: linearGrid(limits, p.blocks, 'scanBlockTotals'),
    declarations: SCAN_WGSL,
    main: /* wgsl */ `
  let block = min(group, u.blocks - 1u);
  var v = 0u;
  for (var q = 0u; q < 4u; q++) {
    let slot = block * ${SCAN_BLOCK}u + local * 4u + q;
    if (slot < u.slots) {
      v += counts[slot];
    }
  }
  let scanned = workgroupExclusiveScan(local, v);
  if (local == 0u && group < u.blocks) {
    totals[block] = scanned.y;
  }`,
  };
}

/** totals becomes its exclusive prefix sum; one workgroup walks it 64 blocks at a time. */
export function scanTotalsProgram(p: VisitSortPlan): GpuProgram {
  return {
    name: 'scanTotals',
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: WORKGROUP_SIZE * 4,
    bindings: [output('totals', 'u32')],
    uniforms: [u32('blocks', p.blocks)],
    dispatch: [1, 1, 1],
    declarations: SCAN_WGSL,
    main: /* wgsl */ `
  var carry = 0u;
  for (var base = 0u; base < u.blocks; base += ${WORKGROUP_SIZE}u) {
    let index = base + local;
    var v = 0u;
    if (index < u.blocks) {
      v = totals[index];
    }
    let scanned = workgroupExclusiveScan(local, v);
    if (index < u.blocks) {
      totals[index] = carry + scanned.x;
    }
    carry += scanned.y;
  }`,
  };
}

/** counts becomes its exclusive prefix sum, each block offset by its scanned total. */
export function scanBlocksProgram(p: VisitSortPlan, limits: GPUSupportedLimits): GpuProgram {
  return {
    name: 'scanBlocks',
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: WORKGROUP_SIZE * 4,
    bindings: [output('counts', 'u32'), input('totals', 'u32')],
    uniforms: [u32('slots', p.slots), u32('blocks', p.blocks)],
    dispatch: linearGrid(limits, p.blocks, 'scanBlocks'),
    declarations: SCAN_WGSL,
    main: /* wgsl */ `
  let block = min(group, u.blocks - 1u);
  let first = block * ${SCAN_BLOCK}u + local * 4u;
  var values = vec4<u32>(0u);
  for (var q = 0u; q < 4u; q++) {
    if (first + q < u.slots) {
      values[q] = counts[first + q];
    }
  }
  let scanned = workgroupExclusiveScan(local, values.x + values.y + values.z + values.w);
  if (group < u.blocks) {
    var running = totals[block] + scanned.x;
    for (var q = 0u; q < 4u; q++) {
      if (first + q < u.slots) {
        counts[first + q] = running;
      }
      running += values[q];
    }
  }`,
  };
}
