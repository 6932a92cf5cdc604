import { expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, Rng, ShapeError } from '@ufbert/tensor';
import { PreparedKernelError, KernelChoiceError, KernelNotFoundError, quantizeConditional } from '@ufbert/cmm';
import { compareWithFloat, referenceConditionalQ8 } from '@ufbert/cmm/conformance';
import { loadFFF, saveFFF } from './node.js';
import { FFF } from './fff-layer.js';
import type { InferenceLayout } from './inference.js';
import { NodeUsage } from './usage-stats.js';
import { describeEachBackend } from './test-utils/backends.js';

/** Reads and disposes a scalar; asynchronously, as tfjs's webgpu backend cannot read synchronously in Node. */
async function scalar(t: tf.Tensor): Promise<number> {
  const [value] = await t.data();
  t.dispose();
  return value;
}

/** A layout the layer let go of is freed: the host kernel refuses its copy, webgpu's tensor is disposed. */
function expectFreed(layout: InferenceLayout): void {
  if (layout.kind === 'webgpu') expect(layout.outputRows.isDisposed).toBe(true);
  else expect(() => layout.kernel.run(layout.prepared, new Float32Array(layout.prepared.shape.inputSize), 1)).toThrow(PreparedKernelError);
}

describeEachBackend('FFF layer', (backend) => {
  it("runs the kernel chosen for it, by default its tfjs backend's own (cpu: TypeScript, not WASM)", async () => {
    const config = { inputWidth: 10, outputWidth: 6, depth: 3, trees: 2 };
    const fused = new FFF(config, { seed: 1 });
    expect(fused.describeKernel()).toBe(
      { cpu: 'ConditionalMatmul/ts/fused', wasm: 'ConditionalMatmul/wasm/fused', webgpu: 'ConditionalMatmul/webgpu/fused' }[backend],
    );
    const levelOne = new FFF(config, { seed: 1, kernel: { backend: 'ts', level: 1 } });
    const x = tf.randomNormal([7, 10]);
    if (backend === 'webgpu') {
      expect(() => levelOne.infer(x)).toThrow(KernelChoiceError);
      expect(() => levelOne.apply(x)).toThrow('cannot run on tfjs-webgpu tensors');
    } else {
      expect(levelOne.describeKernel()).toBe('ConditionalMatmul/ts/1');
      const [a, b] = [fused.infer(x).y, levelOne.infer(x).y];
      const diff = await scalar(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b)))));
      expect(diff).toBeLessThan(1e-5);
      const [ta, tb] = [fused.apply(x), levelOne.apply(x)];
      expect(await scalar(tf.tidy(() => tf.max(tf.abs(tf.sub(ta, tb)))))).toBeLessThan(1e-5);
      tf.dispose([a, b, ta, tb]);
    }
    tf.dispose(x);
    fused.dispose();
    levelOne.dispose();
  });

  it('initialises like the reference: U(+-1/sqrt H) in, U(+-1/sqrt((d+1)k)) out', async () => {
    const layer = new FFF({ inputWidth: 64, outputWidth: 32, depth: 3, trees: 2 }, { seed: 1 });
    const win = await layer.linearInWeight.data();
    const wout = await layer.linearOutWeight.data();
    expect(layer.linearInWeight.shape).toEqual([30, 64]);
    expect(layer.linearOutWeight.shape).toEqual([32, 30]);
    expect(Math.max(...Array.from(win, Math.abs))).toBeLessThanOrEqual(1 / 8);
    expect(Math.max(...Array.from(win, Math.abs))).toBeGreaterThan(0.9 / 8);
    expect(Math.max(...Array.from(wout, Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
    const normal = new FFF({ inputWidth: 64, outputWidth: 32, depth: 3, trees: 2 }, { init: { kind: 'normal', std: 0.02 }, seed: 1 });
    const nv = Array.from(await normal.linearInWeight.data());
    const std = Math.sqrt(nv.reduce((a, v) => a + v * v, 0) / nv.length);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.002);
    layer.dispose();
    normal.dispose();
  });

  it('trains: the loss of a small regression falls, no tensor leaks per step, and apply() equals infer()', async () => {
    const rng = new Rng(3);
    const layer = new FFF({ inputWidth: 12, outputWidth: 3, depth: 3, trees: 2 }, { seed: 4 });
    const x = rng.normalTensor([256, 12]);
    const target = tf.tidy(() => tf.tanh(tf.matMul(x, rng.normalTensor([12, 3]))));
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.losses.meanSquaredError(target, layer.apply(x)) as tf.Scalar;
    const first = await scalar(tf.tidy(loss));
    tf.dispose(optimizer.minimize(loss, true, layer.trainableVariables) ?? []);
    const afterFirstStep = tf.memory().numTensors;
    for (let i = 0; i < 150; i++) tf.dispose(optimizer.minimize(loss, true, layer.trainableVariables) ?? []);
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    const last = await scalar(tf.tidy(loss));
    expect(last).toBeLessThan(first * 0.5);
    const a = layer.apply(x);
    const b = layer.infer(x).y;
    const diff = await scalar(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b)))));
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([a, b, x, target]);
    optimizer.dispose();
    layer.dispose();
  });

  it('saves and loads by the reference names, and rejects misshaped files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fff-'));
    const config = { inputWidth: 10, outputWidth: 6, depth: 2, trees: 3 };
    const a = new FFF(config, { seed: 1 });
    await saveFFF(a, join(dir, 'fff.safetensors'), 'encoder.layers.0.ffn.');
    const b = new FFF(config, { seed: 2 });
    await loadFFF(b, join(dir, 'fff.safetensors'), 'encoder.layers.0.ffn.');
    const x = tf.randomNormal([4, 10]);
    expect(Array.from(await b.apply(x).data())).toEqual(Array.from(await a.apply(x).data()));
    const wrong = new FFF({ ...config, depth: 3 }, { seed: 1 });
    await expect(loadFFF(wrong, join(dir, 'fff.safetensors'), 'encoder.layers.0.ffn.')).rejects.toThrow(ShapeError);
    await expect(loadFFF(wrong, join(dir, 'fff.safetensors'), 'encoder.layers.0.ffn.')).rejects.toThrow(
      'expected encoder.layers.0.ffn.linear_in.weight of shape [45, 10], got [21, 10]',
    );
    tf.dispose(x);
    [a, b, wrong].forEach((l) => l.dispose());
  });

  it('takes inputs of any rank [..., H]', async () => {
    const layer = new FFF({ inputWidth: 8, outputWidth: 5, depth: 2, trees: 1 }, { seed: 1 });
    const x = tf.randomNormal([2, 3, 8]);
    const y = layer.apply(x);
    const z = layer.infer(x).y;
    expect(y.shape).toEqual([2, 3, 5]);
    expect(z.shape).toEqual([2, 3, 5]);
    expect(() => layer.apply(tf.zeros([2, 7]))).toThrow('expected input of shape [..., 8], got [2, 7]');
    tf.dispose([x, y, z]);
    layer.dispose();
  });

  it('prepares inference weights once per weight version, owns them and frees them on dispose', async () => {
    const layer = new FFF({ inputWidth: 8, outputWidth: 4, depth: 3, trees: 1 }, { seed: 1 });
    const x = tf.randomNormal([5, 8]);
    const first = layer.infer(x).y;
    const prepared = layer.preparedWeights!;
    tf.dispose(layer.infer(x).y);
    expect(prepared.kind).toBe(backend === 'webgpu' ? 'webgpu' : 'host');
    expect(layer.preparedWeights).toBe(prepared);
    // A new weight version (what an optimiser step does) prepares anew and frees the old layout.
    tf.tidy(() => layer.linearOutWeight.assign(tf.mul(layer.linearOutWeight, 2)));
    const doubled = layer.infer(x).y;
    expect(layer.preparedWeights).not.toBe(prepared);
    expectFreed(prepared);
    const expected = tf.mul(first, 2);
    expect(Array.from(await doubled.data())).toEqual(Array.from(await expected.data()));
    const latest = layer.preparedWeights!;
    layer.dispose();
    expectFreed(latest);
    tf.dispose([first, doubled, expected, x]);
  });

  it('infers on int8 weights with kernel { dtype: q8 }: prepared once, freed on dispose, within the quantization bound; trains in fp32', async () => {
    const config = { inputWidth: 48, outputWidth: 20, depth: 4, trees: 2 };
    const layer = new FFF(config, { seed: 5, kernel: { dtype: 'q8' } });
    const x = tf.randomNormal([40, 48], 0, 1, 'float32', 6);
    if (backend === 'webgpu') {
      expect(() => layer.infer(x)).toThrow(KernelNotFoundError);
      expect(() => layer.infer(x)).toThrow('no ConditionalMatmul kernel of backend webgpu on q8 weights can run here');
    } else {
      expect(layer.describeKernel()).toBe({ cpu: 'ConditionalMatmul/ts/fused/q8', wasm: 'ConditionalMatmul/wasm/fused/q8' }[backend]);
      const { y, nodes } = layer.infer(x, { returnNodes: true });
      const prepared = layer.preparedWeights!;
      tf.dispose(layer.infer(x).y);
      expect(layer.preparedWeights).toBe(prepared);
      const shape = { trees: 2, depth: 4, inputSize: 48, outputSize: 20 };
      const view = (v: tf.Variable) => ({ values: v.dataSync() as Float32Array, shape: v.shape });
      const weights = { wIn: view(layer.linearInWeight), bIn: view(layer.linearInBias), wOut: view(layer.linearOutWeight) };
      const tables = quantizeConditional(weights, shape);
      const xs = (await x.data()) as Float32Array;
      const [yv, nv] = [(await y.data()) as Float32Array, (await nodes!.data()) as Int32Array];
      const ref = referenceConditionalQ8(shape, tables, xs, 40, nv);
      expect(ref.mismatches).toEqual([]);
      const float = compareWithFloat(shape, weights, tables, xs, 40, nv, yv);
      expect(float.routeMismatches).toEqual([]);
      expect(float.yViolations).toEqual([]);
      // apply() trains on the float weights, whatever the inference dtype
      const trained = layer.apply(x);
      expect(trained.shape).toEqual([40, 20]);
      tf.dispose([y, nodes!, trained]);
      layer.dispose();
      expectFreed(prepared);
    }
    tf.dispose(x);
    if (backend === 'webgpu') layer.dispose();
  });

  it('takes a prefetch hint on every backend without changing a result: before the first infer, after it, after the weights change', async () => {
    const layer = new FFF({ inputWidth: 24, outputWidth: 16, depth: 5, trees: 2 }, { seed: 3 });
    const x = tf.randomNormal([64, 24], 0, 1, 'float32', 4);
    layer.prefetch(64);
    const first = await layer.infer(x).y.data();
    for (const tokens of [0, 1, 64, 4096]) {
      layer.prefetch(tokens);
      expect(await layer.infer(x).y.data()).toEqual(first);
    }
    tf.tidy(() => layer.linearInBias.assign(tf.add(layer.linearInBias, 0.5)));
    layer.prefetch(64);
    expect(await layer.infer(x).y.data()).not.toEqual(first);
    for (const bad of [-1, 2.5, Number.NaN]) expect(() => layer.prefetch(bad)).toThrow(`tokens must be a non-negative integer, got ${bad}`);
    expect(() => new FFF({ inputWidth: 4, outputWidth: 4, depth: 1, trees: 1 }, { seed: 1 }).prefetch(-3)).toThrow('got -3');
    tf.dispose(x);
    layer.dispose();
  });

  it('keeps its inference layout through a tf.tidy around infer', async () => {
    const layer = new FFF({ inputWidth: 6, outputWidth: 3, depth: 2, trees: 2 }, { seed: 4 });
    const x = tf.randomNormal([4, 6]);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => layer.infer(x).y);
    const again = tf.tidy(() => layer.infer(x).y);
    // y and again, plus the layer's own layout on webgpu (linear_out.weight as [N, O])
    expect(tf.memory().numTensors).toBe(before + 2 + (backend === 'webgpu' ? 1 : 0));
    expect(Array.from(await again.data())).toEqual(Array.from(await y.data()));
    layer.dispose();
    tf.dispose([x, y, again]);
  });

  it('adopts variables of the right shapes and names the expected shape otherwise', () => {
    const config = { inputWidth: 6, outputWidth: 3, depth: 1, trees: 2 };
    const make = (n: number) =>
      tf.tidy(() => ({
        'linear_in.weight': tf.variable(tf.zeros([n, 6])),
        'linear_in.bias': tf.variable(tf.zeros([n])),
        'linear_out.weight': tf.variable(tf.zeros([3, n])),
      }));
    const variables = make(6);
    const layer = new FFF(config, { variables });
    expect(layer.linearInWeight).toBe(variables['linear_in.weight']);
    const wrong = make(7);
    expect(() => new FFF(config, { variables: wrong })).toThrow('expected linear_in.weight of shape [6, 6], got [7, 6]');
    layer.dispose();
    Object.values(wrong).forEach((v) => v.dispose());
  });

  it('counts node usage over batches', async () => {
    const layer = new FFF({ inputWidth: 6, outputWidth: 2, depth: 3, trees: 2 }, { seed: 5 });
    const usage = new NodeUsage(layer.config);
    for (let i = 0; i < 3; i++) {
      const x = tf.randomNormal([50, 6], 0, 1, 'float32', i);
      const { y, nodes } = layer.infer(x, { returnNodes: true });
      usage.record((await nodes!.data()) as Int32Array);
      tf.dispose([x, y, nodes!]);
    }
    const report = usage.report();
    expect(report.tokens).toBe(150);
    expect(report.visits[0]).toBe(150);
    expect(report.visits[15]).toBe(150);
    expect(report.visits.reduce((a, v) => a + v, 0)).toBe(150 * 2 * 4);
    expect(report.leafBalance.every((b) => b > 0 && b <= 1)).toBe(true);
    layer.dispose();
  });
});
