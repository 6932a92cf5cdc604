// Quick speed table (not a test): microseconds per token of every registered
// ConditionalMatmul and DenseMatmul kernel, FFF-1x11 against dense FF-4095 and
// FF-3072 (H = O = 768), at B = 1, 16, 128, 1024, plus the FFF training step.
// Run after `pnpm run build`: node scripts/measure.mjs [--quick] [--threads N]
import { configureThreads, listKernels, nodesPerTree, getKernel } from '../dist/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const threadsArg = args.indexOf('--threads');
if (threadsArg >= 0) configureThreads({ threads: Number(args[threadsArg + 1]) });

const H = 768;
const O = 768;
const BATCHES = quick ? [1, 128] : [1, 16, 128, 1024];
/** Longest a single measured call may take before larger batches of that kernel are skipped. */
const MAX_CALL_MS = quick ? 500 : 4000;

let seed = 1;
function random(size, scale) {
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    a[i] = ((seed / 2 ** 32) * 2 - 1) * scale;
  }
  return a;
}

/** Median of 5 samples; each sample repeats the call until it has run for ~60 ms. */
function timePerCall(fn) {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  if (first > 300) return first;
  const reps = Math.max(1, Math.ceil(60 / Math.max(first, 0.001)));
  const samples = [];
  for (let s = 0; s < 5; s++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) fn();
    samples.push((performance.now() - start) / reps);
  }
  return samples.sort((a, b) => a - b)[2];
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
const xs = new Map(BATCHES.map((b) => [b, random(b * H, 1)]));

const rows = [];
function measure(name, kernel, prepare, run) {
  if (!kernel.isSupported()) return;
  const prepared = prepare();
  const row = { layer: name, kernel: `${kernel.backend}/${kernel.level}` };
  let skip = false;
  for (const b of BATCHES) {
    if (skip) {
      row[`B=${b}`] = '-';
      continue;
    }
    const ms = timePerCall(() => run(prepared, xs.get(b), b));
    row[`B=${b}`] = Number(((ms * 1000) / b).toPrecision(3));
    if (ms > MAX_CALL_MS / 8) skip = true;
  }
  prepared.dispose();
  rows.push(row);
}

for (const kernel of listKernels('ConditionalMatmul')) {
  measure('FFF-1x11', kernel, () => kernel.prepare(fffWeights, fffShape), (p, x, b) => kernel.run(p, x, b));
}
for (const m of [4095, 3072]) {
  const weights = denseWeights(m);
  const shape = { inputSize: H, hiddenSize: m, outputSize: O };
  for (const kernel of listKernels('DenseMatmul')) {
    measure(`FF-${m}`, kernel, () => kernel.prepare(weights, shape), (p, x, b) => kernel.run(p, x, b));
  }
}
console.log(`µs per token, H = O = ${H}${quick ? ' (quick)' : ''}`);
console.table(rows);

const best = (layer, b) => Math.min(...rows.filter((r) => r.layer === layer && typeof r[`B=${b}`] === 'number').map((r) => r[`B=${b}`]));
for (const b of BATCHES) {
  const fff = best('FFF-1x11', b);
  console.log(`B=${b}: best FFF-1x11 ${fff} µs/token; best FF-4095 ${best('FF-4095', b)} (${(best('FF-4095', b) / fff).toFixed(0)}x), best FF-3072 ${best('FF-3072', b)} (${(best('FF-3072', b) / fff).toFixed(0)}x)`);
}

// Training step of FFF-1x11 (forward + backward on reference-layout weights) against a
// lower bound for dense masking, which computes all N logits: its six N x H products
// (forward 2, backward 4) cost at least three dense FF-4095 forwards.
const B = 128;
const x = xs.get(B) ?? random(B * H, 1);
const dy = random(B * O, 1);
const steps = [];
for (const backend of ['ts', 'wasm']) {
  const forward = getKernel('ConditionalForwardTrain', backend, 'fused');
  const backward = getKernel('ConditionalBackward', backend, 'fused');
  if (!forward.isSupported() || !backward.isSupported()) continue;
  const pf = forward.prepare(fffShape);
  const pb = backward.prepare(fffShape);
  const ms = timePerCall(() => {
    const { nodes, logits } = forward.run(pf, { x, batch: B, weights: fffWeights });
    backward.run(pb, { dy, x, batch: B, wIn: fffWeights.wIn, wOut: fffWeights.wOut, nodes, logits });
  });
  steps.push({ backend, ms });
}
const dense = listKernels('DenseMatmul').filter((k) => k.isSupported() && (k.backend === 'wasm' || k.level === 3));
const weights4095 = denseWeights(4095);
let denseMs = Infinity;
for (const kernel of dense) {
  const p = kernel.prepare(weights4095, { inputSize: H, hiddenSize: 4095, outputSize: O });
  denseMs = Math.min(denseMs, 3 * timePerCall(() => kernel.run(p, x, B)));
  p.dispose();
}
console.log(`\ntraining step, FFF-1x11, B=${B}: dense masking >= ${denseMs.toFixed(2)} ms (3 x best dense FF-4095 forward)`);
for (const { backend, ms } of steps) console.log(`  ${backend}: ${ms.toFixed(3)} ms (${(ms * 1000 / B).toFixed(2)} µs/token), ${(denseMs / ms).toFixed(0)}x faster than dense masking`);
