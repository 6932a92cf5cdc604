import { kernelLabel, nodesPerTree, type ConditionalShape } from '@ufbert/cmm';
import { fastFeedforward, FFF_FORWARD } from '@ufbert/fff';
import { maskedFeedforward } from '@ufbert/fff/testing';
import { geluExact, HOST_DEVICES, setBackend, tf } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
import type { SuiteContext } from '../context.js';
import { measure } from '../measure.js';
import type { TfjsBackend } from '../options.js';
import { fffName, makeRow, type RowIdentity } from '../rows.js';
import { benchKernels } from './cmm-kernels.js';

const TREES = 1;
const DEPTH = 11;

/**
 * One training step of a layer (forward, then the gradients of x, linear_in and
 * linear_out for dy = 1): conditional FFF against the reference's dense masking, and
 * the dense FF of the same hidden size for scale.
 */
export async function runTraining(ctx: SuiteContext): Promise<void> {
  const { options, data } = ctx;
  const h = options.inputSize;
  const batch = options.trainingBatch;
  const shape: ConditionalShape = { trees: TREES, depth: DEPTH, inputSize: h, outputSize: h };
  const n = TREES * nodesPerTree(DEPTH);
  ctx.log(`training step (forward + backward): FFF-1x11, B = ${batch}`);
  const weights = data.conditional(shape);
  const x = data.inputs(batch, h);
  const identity = (implementation: string, backend: string, level: RowIdentity['level'], name = `train ${fffName(TREES, DEPTH)}`): RowIdentity => ({
    suite: 'training',
    name,
    family: 'fff',
    implementation,
    backend,
    level,
    batch,
    input_size: h,
    output_size: h,
    neurons: n,
    trees: TREES,
    depth: DEPTH,
  });

  // The cmm training kernels directly, each forward kernel with the backward kernel of its backend.
  const dy = new Float32Array(batch * h).fill(1);
  const backwards = benchKernels(ctx, 'ConditionalBackward');
  for (const forward of benchKernels(ctx, 'ConditionalForwardTrain')) {
    const backward = backwards.find((k) => k.backend === forward.backend);
    if (!backward) {
      ctx.skip(kernelLabel(forward), `no supported ConditionalBackward kernel on ${forward.backend}`);
      continue;
    }
    const pf = forward.prepare(shape);
    const pb = backward.prepare(shape);
    try {
      const step = async () => {
        const f = await forward.run(pf, { x, batch, weights });
        return backward.run(pb, { dy, x, batch, wIn: weights.wIn, wOut: weights.wOut, nodes: f.nodes, logits: f.logits });
      };
      const m = await measure(step, { budgetS: options.budgetS });
      ctx.addRow(makeRow(identity(`${kernelLabel(forward)} + ${kernelLabel(backward)}`, forward.backend, forward.level), m));
    } finally {
      pf.dispose();
      pb.dispose();
    }
  }

  for (const backend of options.tfjsBackends) {
    try {
      await setBackend(backend);
    } catch (err) {
      ctx.skip(`training rows on tfjs-${backend}`, (err as Error).message);
      continue;
    }
    const tfx = tf.tensor2d(x, [batch, h]);
    const wIn = tf.tensor2d(weights.wIn.values, [n, h]);
    const bIn = tf.tensor1d(weights.bIn.values);
    const wOut = tf.tensor2d(weights.wOut.values, [h, n]);
    try {
      const step = gradientStep(backend, (inputs) => {
        const [xi, wi, bi, wo] = inputs as [Tensor2D, Tensor2D, Tensor1D, Tensor2D];
        return fastFeedforward(xi, wi, bi, wo, DEPTH, TREES);
      });
      if (tf.getKernel(FFF_FORWARD, backend)) {
        const m = await measure(() => step([tfx, wIn, bIn, wOut]), { budgetS: options.budgetS });
        ctx.addRow(makeRow(identity('fastFeedforward + tf.grads (conditional)', `tfjs-${backend}`, 'tfjs-op'), m));
      } else {
        ctx.skip(`fastFeedforward on tfjs-${backend}`, `@ufbert/fff registers no ${FFF_FORWARD} kernel for ${backend}`);
      }

      const maskedStep = gradientStep(backend, (inputs) => {
        const [xi, wi, bi, wo] = inputs as [Tensor2D, Tensor2D, Tensor1D, Tensor2D];
        return maskedFeedforward(xi, wi, bi, wo, DEPTH, TREES);
      });
      const masked = await measure(() => maskedStep([tfx, wIn, bIn, wOut]), { budgetS: options.budgetS });
      ctx.addRow(
        makeRow(
          identity(
            'maskedFeedforward + tf.grads (dense masking oracle, O(N) per token)',
            `tfjs-${backend}`,
            'tfjs-op',
            `train ${fffName(TREES, DEPTH)} masked-oracle`,
          ),
          masked,
        ),
      );
    } finally {
      tf.dispose([tfx, wIn, bIn, wOut]);
    }

    for (const width of options.denseWidths) {
      const dense = data.dense({ inputSize: h, hiddenSize: width, outputSize: h });
      const tensors = [tf.tensor2d(x, [batch, h]), tf.tensor2d(dense.wIn.values, [width, h]), tf.tensor2d(dense.wOut.values, [h, width])];
      try {
        const denseStep = gradientStep(backend, (inputs) => {
          const [xi, wi, wo] = inputs as [Tensor2D, Tensor2D, Tensor2D];
          return tf.matMul(geluExact(tf.matMul(xi, wi, false, true)), wo, false, true);
        });
        const m = await measure(() => denseStep(tensors), { budgetS: options.budgetS });
        ctx.addRow(
          makeRow(
            {
              suite: 'training',
              name: `train ff-${width}`,
              family: 'ff',
              implementation: 'matMul + geluExact + matMul, tf.grads',
              backend: `tfjs-${backend}`,
              level: 'tfjs-op',
              batch,
              input_size: h,
              output_size: h,
              neurons: width,
            },
            m,
          ),
        );
      } finally {
        tf.dispose(tensors);
      }
    }
  }
  await setBackend('cpu');
}

/**
 * Forward and the gradients of every input, freed at once. The host backends (cpu,
 * wasm) compute eagerly; others are read back so the timing covers the work.
 */
function gradientStep(backend: TfjsBackend, f: (inputs: Tensor[]) => Tensor): (inputs: Tensor[]) => Promise<void> | void {
  const grads = tf.grads((...inputs: Tensor[]) => f(inputs));
  const eager = (HOST_DEVICES as readonly string[]).includes(backend);
  return (inputs) => {
    if (eager) {
      tf.tidy(() => {
        grads(inputs);
      });
      return;
    }
    const gs = grads(inputs);
    return Promise.all(gs.map((g) => g.data())).then(() => tf.dispose(gs));
  };
}
