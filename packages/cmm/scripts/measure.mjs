// Quick speed table (not a test): microseconds per token of every registered
// ConditionalMatmul and DenseMatmul kernel, FFF-1x11 against dense FF-4095 and
// FF-3072 (H = O = 768), at B = 1, 16, 128, 1024, then the FFF training step.
// Run after `pnpm run build`:
//   node scripts/measure.mjs [--quick] [--threads N]
// Timings are the best of several samples, so that other load on the machine
// inflates them as little as possible.
import { fastestConditionalKernel, getKernel, listKernels, nodesPerTree, resolveThreadSettings, threadCalibration } from '../dist/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const threadsArg = args.indexOf('--threads');
// the threads every kernel here is prepared with (its own; there is no process-wide setting)
const threads = resolveThreadSettings(threadsArg >= 0 ? { threads: Number(args[threadsArg + 1]) } : {});

const H = 768;
const O = 768;
const BATCHES = quick ? [1, 128] : [1, 16, 128, 1024];
/** A kernel whose call takes longer than this skips the larger batches (--quick), or is timed by a single call. */
const MAX_CALL_MS = quick ? 100 : 600;

let seed = 1;
function random(size, scale) {
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    a[i] = ((seed / 2 ** 32) * 2 - 1) * scale;
  }
  return a;
}

/** Milliseconds per call: warm up for ~100 ms, then the best of 7 samples of ~40 ms each; `once`: one call. */
function timePerCall(fn, once = false) {
  if (once) {
    const start = performance.now();
    fn();
    return performance.now() - start;
  }
  let calls = 0;
  const warm = performance.now();
  while (performance.now() - warm < 100 || calls < 2) {
    fn();
    calls++;
  }
  const estimate = (performance.now() - warm) / calls;
  const reps = Math.max(1, Math.round(40 / estimate));
  let best = Infinity;
  for (let s = 0; s < 7; s++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, (performance.now() - start) / reps);
  }
  return best;
}

const fffShape = { trees: 1, depth: 11, inputSize: H, outputSize: O };
const N = nodesPerTree(11);
const fffWeights = {
  wIn: { values: random(N * H, 3 / Math.sqrt(H)), shape: [N, H] },
  bIn: { values: random(N, 0.3), shape: [N] },
  wOut: { values: random(O * N, 1), shape: [O, N] },
};
function denseWeights(m) {
  return {
    wIn: { values: random(m * H, 3 / Math.sqrt(H)), shape: [m, H] },
    bIn: { values: random(m, 0.3), shape: [m] },
    wOut: { values: random(O * m, 1 / Math.sqrt(m)), shape: [O, m] },
  };
}
const xs = new Map([...BATCHES, 128, 1024].map((b) => [b, random(b * H, 1)]));

const rows = [];
// Outputs go into one reused array per batch size, as a framework's memory pool would
// hold them: allocating a fresh result costs page faults (~0.3 µs/token at H = 768)
// that say nothing about the kernel. The fastest FFF kernel is also timed allocating.
const outs = new Map([...xs.keys()].map((b) => [b, new Float32Array(b * O)]));

function measure(layer, kernel, prepared, run) {
  const row = { layer, kernel: `${kernel.backend}/${kernel.level}` };
  let slow = false;
  for (const b of BATCHES) {
    if (slow && quick) {
      row[`B=${b}`] = '-';
      continue;
    }
    const ms = timePerCall(() => run(prepared, xs.get(b), b, { out: outs.get(b) }), slow);
    row[`B=${b}`] = Number(((ms * 1000) / b).toPrecision(3));
    if (ms > MAX_CALL_MS) slow = true;
  }
  prepared.dispose();
  rows.push(row);
}

console.log(`threads: ${JSON.stringify(threads)}`);
for (const kernel of listKernels('ConditionalMatmul').filter((k) => k.isSupported())) {
  measure('FFF-1x11', kernel, kernel.prepare(fffWeights, fffShape, threads), (p, x, b, options) => kernel.run(p, x, b, options));
}
{
  const kernel = fastestConditionalKernel();
  measure('FFF-1x11', { ...kernel, level: `${kernel.level}, fresh y` }, kernel.prepare(fffWeights, fffShape, threads), (p, x, b) => kernel.run(p, x, b));
}
const dense = new Map();
for (const m of [4095, 3072]) {
  const weights = denseWeights(m);
  dense.set(m, weights);
  const shape = { inputSize: H, hiddenSize: m, outputSize: O };
  for (const kernel of listKernels('DenseMatmul').filter((k) => k.isSupported())) {
    measure(`FF-${m}`, kernel, kernel.prepare(weights, shape, threads), (p, x, b, options) => kernel.run(p, x, b, options));
  }
}
console.log(`\nµs per token (lower is better), H = O = ${H}; cells after a call over ${MAX_CALL_MS} ms are ${quick ? "skipped ('-')" : 'timed by one call'}`);
console.table(rows);

const best = (layer, b) => Math.min(...rows.filter((r) => r.layer === layer && typeof r[`B=${b}`] === 'number').map((r) => r[`B=${b}`]));
for (const b of BATCHES) {
  const fff = best('FFF-1x11', b);
  const ratio = (m) => `${best(`FF-${m}`, b)} µs (${(best(`FF-${m}`, b) / fff).toFixed(0)}x)`;
  console.log(`B=${b}: best FFF-1x11 ${fff} µs/token; best FF-4095 ${ratio(4095)}; best FF-3072 ${ratio(3072)}`);
}

// Training step of FFF-1x11: forward + backward on reference-layout weights, against
// a lower bound for dense masking (compute all N logits, mask to the paths): its six
// products of size B x N x 768 (2 forward, 4 backward) cost at least three dense
// FF-4095 forwards, timed here with the fastest dense kernel.
console.log('\ntraining step, FFF-1x11 (forward + backward):');
// Prefer wasm, else the first supported (a sort comparator of one argument is no ordering).
const supportedDense = listKernels('DenseMatmul').filter((k) => k.isSupported());
const fastestDense = supportedDense.find((k) => k.backend === 'wasm') ?? supportedDense[0];
const densePrepared = fastestDense.prepare(dense.get(4095), { inputSize: H, hiddenSize: 4095, outputSize: O }, threads);
for (const B of quick ? [128] : [128, 1024]) {
  const x = xs.get(B);
  const dy = random(B * O, 1);
  const masking = 3 * timePerCall(() => fastestDense.run(densePrepared, x, B));
  console.log(`  B=${B}: dense masking >= ${masking.toFixed(1)} ms (3 x ${fastestDense.backend}/${fastestDense.level} FF-4095 forward)`);
  const into = { dWIn: new Float32Array(N * H), dbIn: new Float32Array(N), dWOut: new Float32Array(O * N) };
  for (const backend of ['ts', 'wasm']) {
    const forward = getKernel('ConditionalForwardTrain', backend, 'fused');
    const backward = getKernel('ConditionalBackward', backend, 'fused');
    if (!forward.isSupported() || !backward.isSupported()) continue;
    const pf = forward.prepare(fffShape);
    const pb = backward.prepare(fffShape);
    for (const reuse of [false, true]) {
      const ms = timePerCall(() => {
        const { nodes, logits, saved } = forward.run(pf, { x, batch: B, weights: fffWeights });
        backward.run(pb, { dy, x, batch: B, wIn: fffWeights.wIn, wOut: fffWeights.wOut, nodes, logits, saved, accumulateInto: reuse ? into : undefined });
      });
      const how = reuse ? 'gradients added into reused buffers' : 'fresh zeroed gradient arrays';
      console.log(`    ${backend}: ${ms.toFixed(2)} ms, ${(masking / ms).toFixed(0)}x faster (${how})`);
    }
  }
}
densePrepared.dispose();
const calibration = [...threadCalibration()].map(([asked, used]) => `${asked} threads asked, ${used} used`).join('; ');
console.log(`\nthread calibration: ${calibration || 'pool not started'}`);
