import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf, readSafetensors, relativeError, toFloat32, UfbertError, type ParityReport } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
import { fastFeedforward } from './index.js';

interface FixtureCase {
  prefix: string;
  input_width: number;
  output_width: number;
  depth: number;
  parallel_size: number;
  batch: number;
}

/**
 * Runs the FFF fixture cases (fff.json + fff.safetensors, written by the reference):
 * y and the gradients of sum(y * upstream) w.r.t. x and every parameter.
 */
export async function runFFFParity(dir: string, { report }: { report: ParityReport }): Promise<void> {
  const spec = JSON.parse(await readFile(join(dir, 'fff.json'), 'utf8')) as { cases: FixtureCase[] };
  const file = await readSafetensors(join(dir, 'fff.safetensors'));
  const get = (name: string, shape: number[]): Tensor => {
    const t = file.tensors.get(name);
    if (!t) throw new UfbertError(`fff.safetensors has no tensor '${name}'`);
    return tf.tensor(toFloat32(t), shape);
  };
  for (const c of spec.cases) {
    const n = c.parallel_size * (2 ** (c.depth + 1) - 1);
    const p = c.prefix;
    const caseName = `fff/${p.replace(/\.$/, '')}(H=${c.input_width},O=${c.output_width},d=${c.depth},k=${c.parallel_size},B=${c.batch})`;
    const results = tf.tidy(() => {
      const x = get(`${p}x`, [c.batch, c.input_width]) as Tensor2D;
      const wIn = get(`${p}linear_in.weight`, [n, c.input_width]) as Tensor2D;
      const bIn = get(`${p}linear_in.bias`, [n]) as Tensor1D;
      const wOut = get(`${p}linear_out.weight`, [c.output_width, n]) as Tensor2D;
      const upstream = get(`${p}upstream`, [c.batch, c.output_width]);
      const y = fastFeedforward(x, wIn, bIn, wOut, c.depth, c.parallel_size);
      const grads = tf.grads((xi: Tensor, wi: Tensor, bi: Tensor, wo: Tensor) =>
        tf.sum(tf.mul(fastFeedforward(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D, wo as Tensor2D, c.depth, c.parallel_size), upstream)),
      )([x, wIn, bIn, wOut]);
      return [y, ...grads];
    });
    const names = ['y', 'grad.x', 'grad.linear_in.weight', 'grad.linear_in.bias', 'grad.linear_out.weight'];
    for (let i = 0; i < names.length; i++) {
      const expected = toFloat32(file.tensors.get(`${p}${names[i]}`)!);
      report(caseName, names[i], relativeError(await results[i].data(), expected));
    }
    tf.dispose(results);
  }
}
