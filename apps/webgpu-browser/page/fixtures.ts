// The reference FFF fixtures (written by the PyTorch reference), run through the
// differentiable op on tfjs's webgpu backend, as `pnpm parity` does in Node.
import { fastFeedforward } from '@ufbert/fff';
import { readSafetensors, relativeError, tf, toFloat32 } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
import { withinTolerance, type CheckResult } from './report.js';

/** The tolerance of `pnpm parity`. */
const TOLERANCE = 1e-4;

interface FixtureCase {
  prefix: string;
  input_width: number;
  output_width: number;
  depth: number;
  parallel_size: number;
  batch: number;
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
  return response;
}

export async function runFixtureChecks(base: string): Promise<CheckResult[]> {
  const spec = (await (await fetchOk(`${base}fff.json`)).json()) as { cases: FixtureCase[] };
  const file = await readSafetensors(new Uint8Array(await (await fetchOk(`${base}fff.safetensors`)).arrayBuffer()));
  const checks: CheckResult[] = [];
  for (const c of spec.cases) {
    const n = c.parallel_size * (2 ** (c.depth + 1) - 1);
    const get = (name: string, shape: number[]): Tensor => {
      const t = file.tensors.get(`${c.prefix}${name}`);
      if (!t) throw new Error(`fff.safetensors has no tensor '${c.prefix}${name}'`);
      return tf.tensor(toFloat32(t), shape);
    };
    const results = tf.tidy(() => {
      const x = get('x', [c.batch, c.input_width]) as Tensor2D;
      const wIn = get('linear_in.weight', [n, c.input_width]) as Tensor2D;
      const bIn = get('linear_in.bias', [n]) as Tensor1D;
      const wOut = get('linear_out.weight', [c.output_width, n]) as Tensor2D;
      const upstream = get('upstream', [c.batch, c.output_width]);
      const y = fastFeedforward(x, wIn, bIn, wOut, c.depth, c.parallel_size);
      const grads = tf.grads((xi: Tensor, wi: Tensor, bi: Tensor, wo: Tensor) =>
        tf.sum(tf.mul(fastFeedforward(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D, wo as Tensor2D, c.depth, c.parallel_size), upstream)),
      )([x, wIn, bIn, wOut]);
      return [y, ...grads];
    });
    const names = ['y', 'grad.x', 'grad.linear_in.weight', 'grad.linear_in.bias', 'grad.linear_out.weight'];
    for (const [i, name] of names.entries()) {
      const expected = toFloat32(file.tensors.get(`${c.prefix}${name}`)!);
      checks.push(withinTolerance(`fixture ${c.prefix}${name}`, relativeError(await results[i].data(), expected), TOLERANCE));
    }
    tf.dispose(results);
  }
  return checks;
}
