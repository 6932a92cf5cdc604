import { groupPaths, scatterColumns, visitedColumns } from '../../path-groups.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalBackwardKernel } from '../../types.js';
import { checkBackwardInputs, gradientBuffers } from '../../validate.js';
import { wasmSimdSupported } from '../../wasm/wasm-instance.js';
import { readRows, writeRows } from './copy.js';
import { WasmTrainingPrepared } from './training-prepared.js';

const identity = { kernelName: 'ConditionalBackward', backend: 'wasm', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * Sparse backward in WebAssembly SIMD (assembly/training.ts). The visited rows of wIn
 * and columns of wOut are gathered into compact blocks; per visit g = (dy . wOut col)
 * GELU'(z); dx is one register-blocked sum of scaled wIn rows per token; dWIn, dbIn
 * and dWOut are summed per visited neuron over its tokens in increasing order
 * (deterministic), then scattered into zero-initialised full-size gradients.
 */
export const conditionalBackwardWasm: ConditionalBackwardKernel = {
  ...identity,
  isSupported: wasmSimdSupported,
  prepare: (shape) => new WasmTrainingPrepared(shape, label),
  run(prepared, inputs) {
    const p = claimPrepared(prepared, WasmTrainingPrepared, label);
    const { inputSize: h, outputSize: o } = p.shape;
    const { runtime: rt, visits, hp, op } = p;
    const neurons = checkBackwardInputs(inputs, p.shape);
    const { dy, x, batch, wIn, wOut, nodes, logits, accumulateInto, saved } = inputs;
    const { dWIn, dbIn, dWOut } = gradientBuffers(accumulateInto, neurons, h, o);
    const accumulate = accumulateInto !== undefined;
    const { unique, slotOf, start, entries } = groupPaths(nodes, neurons);
    if (batch === 0) return { dx: new Float32Array(0), dWIn, dbIn, dWOut, neurons: unique };

    const units = unique.length;
    const count = batch * visits;
    const at = {
      x: rt.scratch('backward.x', batch * hp * 4),
      dy: rt.scratch('backward.dy', batch * op * 4),
      columns: rt.scratch('backward.columns', units * op * 4),
      rows: rt.scratch('backward.rows', units * hp * 4),
      slotOf: rt.scratch('backward.slotOf', count * 4),
      logits: rt.scratch('backward.logits', count * 4),
      g: rt.scratch('backward.g', count * 4),
      act: rt.scratch('backward.act', count * 4),
      entries: rt.scratch('backward.entries', count * 4),
      start: rt.scratch('backward.start', (units + 1) * 4),
      coefTmp: rt.scratch('backward.coefTmp', count * 4),
      rowsTmp: rt.scratch('backward.rowsTmp', count * 4),
      addr: rt.scratch('backward.addr', count * 4),
      dx: rt.scratch('backward.dx', batch * hp * 4),
      dWIn: rt.scratch('backward.dWIn', units * hp * 4),
      dbIn: rt.scratch('backward.dbIn', units * 4),
      dWOutT: rt.scratch('backward.dWOutT', units * op * 4),
    };
    const view = rt.f32;
    const ints = rt.i32;
    writeRows(view, at.x >> 2, x, batch, h, hp);
    writeRows(view, at.dy >> 2, dy, batch, o, op);
    writeRows(view, at.rows >> 2, wIn.values, units, h, hp, (u) => unique[u]);
    writeRows(view, at.columns >> 2, visitedColumns(saved, wOut.values, o, neurons, unique), units, o, op);
    ints.set(slotOf, at.slotOf >> 2);
    view.set(logits, at.logits >> 2);
    ints.set(entries, at.entries >> 2);
    ints.set(start, at.start >> 2);
    for (let e = 0; e < count; e++) ints[(at.addr >> 2) + e] = at.rows + slotOf[e] * hp * 4;

    const e = rt.exports;
    e.backwardCoefficients(at.dy, op >> 2, at.columns, at.slotOf, at.logits, visits, count, at.g, at.act);
    e.sumScaledRowsBatch(at.g, at.addr, visits, batch, hp >> 2, at.dx);
    e.backwardGroups(at.entries, at.start, units, visits, at.g, at.act, at.x, hp >> 2, at.dy, op >> 2, at.coefTmp, at.rowsTmp, at.dWIn, at.dbIn, at.dWOutT);

    for (let u = 0; u < units; u++) {
      const from = (at.dWIn >> 2) + u * hp;
      const to = unique[u] * h;
      if (accumulate) {
        for (let j = 0; j < h; j++) dWIn[to + j] += view[from + j];
        dbIn[unique[u]] += view[(at.dbIn >> 2) + u];
      } else {
        dWIn.set(view.subarray(from, from + h), to);
        dbIn[unique[u]] = view[(at.dbIn >> 2) + u];
      }
    }
    scatterColumns(view, o, neurons, unique, dWOut, op, at.dWOutT >> 2, accumulate);
    return { dx: readRows(view, at.dx >> 2, batch, h, hp), dWIn, dbIn, dWOut, neurons: unique };
  },
};
