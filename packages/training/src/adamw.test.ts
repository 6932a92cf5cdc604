import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, type Tensor } from '@ufbert/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { AdamW, decaysWeight } from './adamw.js';
import { CheckpointError, TrainingConfigError, TrainingContractError } from './errors.js';
import { loadOptimizerState, saveOptimizerState } from './optimizer-file.js';

const INITIAL: Record<string, { shape: number[]; values: number[] }> = {
  'dense.weight': { shape: [2, 3], values: [0.5, -0.25, 1, 0.1, -2, 0.75] },
  'dense.bias': { shape: [3], values: [0.1, 0.2, -0.3] },
  'norm.weight': { shape: [3], values: [1, 1, 1] },
};
const GRADIENTS: Record<string, number[]>[] = [
  { 'dense.weight': [3, -1, 0.5, 2, 0.25, -4], 'dense.bias': [1, -1, 2], 'norm.weight': [0.5, 0.5, -0.5] },
  { 'dense.weight': [0.01, 0.02, -0.03, 0.01, 0, 0.02], 'dense.bias': [0.01, -0.01, 0], 'norm.weight': [0.02, 0, 0] },
  { 'dense.weight': [-1, 1, -1, 1, -1, 1], 'dense.bias': [0, 0, 0.5], 'norm.weight': [0, -0.1, 0.1] },
];

/** PyTorch's clip_grad_norm_ + AdamW, in float64. */
function referenceAdamW(lrs: number[], options = { beta1: 0.9, beta2: 0.98, epsilon: 1e-12, weightDecay: 0.01, maxGradNorm: 0.5 }) {
  const params = Object.fromEntries(Object.entries(INITIAL).map(([name, p]) => [name, [...p.values]]));
  const m = Object.fromEntries(Object.entries(INITIAL).map(([name, p]) => [name, p.values.map(() => 0)]));
  const v = Object.fromEntries(Object.entries(INITIAL).map(([name, p]) => [name, p.values.map(() => 0)]));
  const norms: number[] = [];
  GRADIENTS.forEach((grads, index) => {
    const step = index + 1;
    const norm = Math.sqrt(
      Object.values(grads)
        .flat()
        .reduce((s, g) => s + g * g, 0),
    );
    norms.push(norm);
    const clip = Math.min(1, options.maxGradNorm / (norm + 1e-6));
    const lr = lrs[index];
    for (const name of Object.keys(params)) {
      params[name] = params[name].map((p, i) => {
        const g = grads[name][i] * clip;
        m[name][i] = options.beta1 * m[name][i] + (1 - options.beta1) * g;
        v[name][i] = options.beta2 * v[name][i] + (1 - options.beta2) * g * g;
        const decayed = decaysWeight(name) ? p * (1 - lr * options.weightDecay) : p;
        const denominator = Math.sqrt(v[name][i]) / Math.sqrt(1 - options.beta2 ** step) + options.epsilon;
        return decayed - (lr / (1 - options.beta1 ** step)) * (m[name][i] / denominator);
      });
    }
  });
  return { params, norms };
}

function makeParameters(): Map<string, tf.Variable> {
  return new Map(Object.entries(INITIAL).map(([name, p]) => [name, tf.variable(tf.tensor(p.values, p.shape))]));
}

function gradientsAt(index: number): Map<string, Tensor> {
  return new Map(Object.entries(GRADIENTS[index]).map(([name, values]) => [name, tf.tensor(values, INITIAL[name].shape)]));
}

async function runSteps(optimizer: AdamW, lrs: number[], from = 0): Promise<number[]> {
  const norms: number[] = [];
  for (let i = from; i < lrs.length; i++) {
    const gradients = gradientsAt(i);
    const norm = optimizer.applyGradients(gradients, lrs[i]);
    norms.push((await norm.data())[0]);
    tf.dispose([norm, ...gradients.values()]);
  }
  return norms;
}

const created: { dispose(): void }[] = [];
afterEach(() => {
  for (const thing of created.splice(0)) thing.dispose();
});

describe('AdamW', () => {
  const lrs = [0.1, 0.05, 0.2];

  it('decays everything except norms and biases', () => {
    expect(decaysWeight('encoder.layers.0.attn.self_attention.query_key_value.weight')).toBe(true);
    expect(decaysWeight('encoder.layers.0.norm1.weight')).toBe(false);
    expect(decaysWeight('encoder.embedding.norm.bias')).toBe(false);
    expect(decaysWeight('encoder.layers.3.ffn.linear_in.bias')).toBe(false);
    expect(decaysWeight('encoder.layers.3.ffn.linear_in.weight')).toBe(true);
  });

  it('matches clip_grad_norm_ + torch.optim.AdamW (betas 0.9/0.98, eps 1e-12, decay 0.01)', async () => {
    const parameters = makeParameters();
    const optimizer = new AdamW(parameters);
    created.push(optimizer, ...parameters.values());
    const norms = await runSteps(optimizer, lrs);
    const reference = referenceAdamW(lrs);
    norms.forEach((norm, i) => expect(norm).toBeCloseTo(reference.norms[i], 5));
    for (const [name, variable] of parameters) {
      const actual = await variable.data();
      reference.params[name].forEach((expected, i) => expect(actual[i]).toBeCloseTo(expected, 6));
    }
    expect(optimizer.step).toBe(3);
  });

  it('saves and loads its state so that a restored optimiser continues identically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ufbert-adamw-'));
    const a = makeParameters();
    const optimizerA = new AdamW(a);
    created.push(optimizerA, ...a.values());
    await runSteps(optimizerA, lrs.slice(0, 1));
    await saveOptimizerState(optimizerA, join(dir, 'optimizer.safetensors'));
    const saved = new Map<string, Float32Array>();
    for (const [name, variable] of a) saved.set(name, (await variable.data()) as Float32Array);

    const b = new Map([...a].map(([name, variable]) => [name, tf.variable(tf.tensor(saved.get(name)!, variable.shape))]));
    const optimizerB = new AdamW(b);
    created.push(optimizerB, ...b.values());
    await loadOptimizerState(optimizerB, join(dir, 'optimizer.safetensors'));
    expect(optimizerB.step).toBe(1);
    await runSteps(optimizerA, lrs, 1);
    await runSteps(optimizerB, lrs, 1);
    for (const [name, variable] of a) expect(await b.get(name)!.data()).toEqual(await variable.data());
  });

  it('refuses state that does not fit, bad options and foreign gradients', async () => {
    const parameters = makeParameters();
    const optimizer = new AdamW(parameters);
    created.push(optimizer, ...parameters.values());
    const { tensors } = await optimizer.state();
    tensors.delete('exp_avg.dense.bias');
    expect(() => optimizer.setState({ step: 1, tensors })).toThrow(CheckpointError);
    expect(() => optimizer.setState({ step: 1, tensors })).toThrow(/missing exp_avg\.dense\.bias/);
    expect(() => new AdamW(parameters, { beta2: 1, epsilon: 0 })).toThrow(TrainingConfigError);
    const stray = new Map([['other.weight', tf.zeros([2])]]);
    expect(() => optimizer.applyGradients(stray, 0.1)).toThrow(TrainingContractError);
    const misshaped = new Map([['dense.bias', tf.zeros([2])]]);
    expect(() => optimizer.applyGradients(misshaped, 0.1)).toThrow(/expected the gradient of dense.bias of shape \[3\], got \[2\]/);
    tf.dispose([...stray.values(), ...misshaped.values()]);
  });

  it('leaves no tensors behind', async () => {
    const parameters = makeParameters();
    const optimizer = new AdamW(parameters);
    created.push(...parameters.values());
    const before = tf.memory().numTensors;
    await runSteps(optimizer, lrs);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before - 2 * parameters.size);
  });
});
