import { join } from 'node:path';
import { FILE_LIMITS, readJson, readSafetensorsFile } from '@ufbert/tensor/node';
import { tf, relativeError, toFloat32, UfbertError, type ParityReport, type Safetensors } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
// The whole main entry, for the kernels it registers on every backend; it does not import this file.
import { fastFeedforward } from './index.js';

/** One case of fff.json, as the reference writes it. */
export interface FFFFixtureCase {
  prefix: string;
  input_width: number;
  output_width: number;
  depth: number;
  parallel_size: number;
  batch: number;
}

/** fff.json: the cases whose tensors fff.safetensors holds under each case's prefix. */
export interface FFFFixtureSpec {
  cases: FFFFixtureCase[];
}

const CHECKED = ['y', 'grad.x', 'grad.linear_in.weight', 'grad.linear_in.bias', 'grad.linear_out.weight'] as const;

/**
 * Runs every FFF fixture case through the differentiable op on the active backend and
 * reports, per tensor, the relative error of y and of the gradients of sum(y * upstream)
 * w.r.t. x and every parameter. Takes the files already read, so a browser can fetch them.
 */
export async function checkFFFFixtures(spec: FFFFixtureSpec, file: Safetensors, { report }: { report: ParityReport }): Promise<void> {
  for (const c of spec.cases) {
    const n = c.parallel_size * (2 ** (c.depth + 1) - 1);
    const p = c.prefix;
    const caseName = `fff/${p.replace(/\.$/, '')}(H=${c.input_width},O=${c.output_width},d=${c.depth},k=${c.parallel_size},B=${c.batch})`;
    const values = (name: string): Float32Array => {
      const t = file.tensors.get(`${p}${name}`);
      if (!t) throw new UfbertError(`fff.safetensors has no tensor '${p}${name}'`);
      return toFloat32(t);
    };
    const get = (name: string, shape: number[]): Tensor => tf.tensor(values(name), shape);
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
    try {
      for (const [i, name] of CHECKED.entries()) report(caseName, name, relativeError(await results[i].data(), values(name)));
    } finally {
      tf.dispose(results);
    }
  }
}

/** `checkFFFFixtures` on fff.json + fff.safetensors in `dir` (Node). */
export async function runFFFParity(dir: string, options: { report: ParityReport }): Promise<void> {
  const spec = (await readJson(join(dir, 'fff.json'), { what: 'FFF fixture spec', maxBytes: FILE_LIMITS.json })) as FFFFixtureSpec;
  await checkFFFFixtures(spec, await readSafetensorsFile(join(dir, 'fff.safetensors')), options);
}
