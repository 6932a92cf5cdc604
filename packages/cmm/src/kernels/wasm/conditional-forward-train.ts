import { gatherColumns, groupPaths } from '../../path-groups.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalForwardTrainKernel } from '../../types.js';
import { checkBatch, checkConditionalWeights } from '../../validate.js';
import { wasmSimdSupported } from '../../wasm/wasm-instance.js';
import { readRows, writeRows } from './copy.js';
import { WasmTrainingPrepared } from './training-prepared.js';

const identity = { kernelName: 'ConditionalForwardTrain', backend: 'wasm', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * Training forward in WebAssembly SIMD on reference-layout weights. Level by level,
 * only the rows of wIn that tokens sit at are copied into WASM memory and dotted
 * (assembly/training.ts gatherDots, the same dot as inference, so routing agrees
 * bit for bit); then the visited columns of wOut are gathered and each token's
 * output is one register-blocked sum of scaled rows.
 */
export const conditionalForwardTrainWasm: ConditionalForwardTrainKernel = {
  ...identity,
  isSupported: wasmSimdSupported,
  prepare: (shape) => new WasmTrainingPrepared(shape, label),
  run(prepared, { x, batch, weights }) {
    const p = claimPrepared(prepared, WasmTrainingPrepared, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    const neurons = checkConditionalWeights(weights, p.shape);
    checkBatch('x', x, batch, h);
    const { runtime: rt, nodesPerTree: n, visits, hp, op } = p;
    const levels = depth + 1;
    const count = batch * visits;
    const nodes = new Int32Array(count);
    const logits = new Float32Array(count);
    if (batch === 0) return { y: new Float32Array(0), nodes, logits, saved: { neurons: new Int32Array(0), wOutColumns: new Float32Array(0) } };
    const wIn = weights.wIn.values;
    const bIn = weights.bIn.values;

    const xAt = rt.scratch('forward.x', batch * hp * 4);
    const rowOfAt = rt.scratch('forward.rowOf', batch * 4);
    const biasAt = rt.scratch('forward.bias', batch * 4);
    const outAt = rt.scratch('forward.out', batch * 4);
    writeRows(rt.f32, xAt >> 2, x, batch, h, hp);
    const local = new Int32Array(batch);
    // neuron -> slot among this level's rows, valid where stamp matches the level
    const stamp = new Int32Array(n);
    const slot = new Int32Array(n);
    const unique = new Int32Array(Math.min(batch, n));
    let level = 0;
    for (let t = 0; t < trees; t++) {
      const base = t * n;
      local.fill(0);
      for (let l = 0; l < levels; l++) {
        level++;
        let rows = 0;
        for (let b = 0; b < batch; b++) {
          const node = local[b];
          if (stamp[node] !== level) {
            stamp[node] = level;
            slot[node] = rows;
            unique[rows++] = node;
          }
        }
        const rowsAt = rt.scratch('forward.rows', rows * hp * 4);
        const view = rt.f32;
        const ints = rt.i32;
        writeRows(view, rowsAt >> 2, wIn, rows, h, hp, (r) => base + unique[r]);
        for (let b = 0; b < batch; b++) {
          ints[(rowOfAt >> 2) + b] = slot[local[b]];
          view[(biasAt >> 2) + b] = bIn[base + local[b]];
        }
        rt.exports.gatherDots(xAt, hp >> 2, rowsAt, rowOfAt, biasAt, batch, outAt);
        for (let b = 0, e = t * levels + l; b < batch; b++, e += visits) {
          const z = view[(outAt >> 2) + b];
          logits[e] = z;
          nodes[e] = base + local[b];
          local[b] = 2 * local[b] + (z > 0 ? 2 : 1);
        }
      }
    }

    const groups = groupPaths(nodes, neurons);
    const columnsAt = rt.scratch('forward.columns', groups.unique.length * op * 4);
    const logitsAt = rt.scratch('forward.logits', count * 4);
    const coefAt = rt.scratch('forward.coef', count * 4);
    const addrAt = rt.scratch('forward.addr', count * 4);
    const yAt = rt.scratch('forward.y', batch * op * 4);
    const view = rt.f32;
    const ints = rt.i32;
    const columns = gatherColumns(weights.wOut.values, o, neurons, groups.unique);
    writeRows(view, columnsAt >> 2, columns, groups.unique.length, o, op);
    view.set(logits, logitsAt >> 2);
    rt.exports.geluAll(logitsAt, count, coefAt);
    for (let e = 0; e < count; e++) ints[(addrAt >> 2) + e] = columnsAt + groups.slotOf[e] * op * 4;
    rt.exports.sumScaledRowsBatch(coefAt, addrAt, visits, batch, op >> 2, yAt);
    return { y: readRows(view, yAt >> 2, batch, o, op), nodes, logits, saved: { neurons: groups.unique, wOutColumns: columns } };
  },
};
