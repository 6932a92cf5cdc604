#!/usr/bin/env node
// node scripts/fff-in-model-overhead.mjs [--backend wasm|cpu] [--tokens 128] [--runs 7]
// What an FFF layer costs inside a tfjs model against its kernel alone: FFF-1x11 (H = O = 768),
// `FFF.infer` on a tfjs tensor (the tfjs op, the host-kernel adapter, the copies between
// tfjs's memory and the kernel's) against the cmm kernel's `run` on host arrays with the
// same prepared weights. Prints the median of `--runs` timings of each (each timing the
// mean of as many calls as fit in ~0.3 s), and their ratio. On a shared machine the
// numbers move from run to run: compare medians, and run it more than once.
import { performance } from 'node:perf_hooks';
import { setBackend, tf, Rng } from '@ufbert/tensor';
import { FFF } from '@ufbert/fff';
import { fastestKernel } from '@ufbert/cmm';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const backend = flag('backend', 'wasm');
const tokens = Number(flag('tokens', 128));
const runs = Number(flag('runs', 7));

await setBackend(backend);
const layer = new FFF({ inputWidth: 768, outputWidth: 768, depth: 11, trees: 1 }, { seed: 1 });
const rng = new Rng(2);
const xValues = rng.fillNormal(new Float32Array(tokens * 768), 0, 1);
const x = tf.tensor2d(xValues, [tokens, 768]);
tf.dispose(layer.infer(x).y); // prepares the weights
const prepared = layer.preparedWeights;
const kernel = fastestKernel('ConditionalMatmul');
const out = new Float32Array(tokens * 768);

function timeOne(f) {
  f();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < 300) {
    f();
    calls++;
  }
  return ((performance.now() - start) / calls) * 1000;
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const inModel = [];
const kernelOnly = [];
for (let r = 0; r < runs; r++) {
  inModel.push(timeOne(() => tf.dispose(layer.infer(x).y)));
  kernelOnly.push(timeOne(() => kernel.run(prepared, xValues, tokens, { out })));
}
const a = median(inModel);
const b = median(kernelOnly);
console.log(`FFF-1x11, H = O = 768, ${tokens} tokens, tfjs-${backend}, kernel ${kernel.kernelName}/${kernel.backend}/${kernel.level}; medians of ${runs} runs`);
console.log(`  in-model FFF (FFF.infer on a tfjs tensor): ${a.toFixed(0)} µs per call, ${(a / tokens).toFixed(2)} µs/token`);
console.log(`  kernel alone (run on host arrays):         ${b.toFixed(0)} µs per call, ${(b / tokens).toFixed(2)} µs/token`);
console.log(`  in-model / kernel: ${(a / b).toFixed(2)}x`);
tf.dispose(x);
layer.dispose();
