import { kernelLabel, nodesPerTree, resolveThreadSettings, startThreadPool } from '@ufbert/cmm';
import type { SuiteContext } from '../context.js';
import { measure } from '../measure.js';
import { fffName, makeRow } from '../rows.js';
import { benchKernels } from './cmm-kernels.js';

/**
 * FFF layers of about 4095 neurons split into K trees of depth D (1x11 ... 32x6) at one
 * batch size: the cost per token grows with K (D + 1) while N stays put.
 */
export async function runDepthSweep(ctx: SuiteContext): Promise<void> {
  const { options, data } = ctx;
  const h = options.inputSize;
  const batch = options.sweepBatch;
  ctx.log(`depth sweep: ${options.sweep.map(([k, d]) => `${k}x${d}`).join(', ')} at B = ${batch}`);
  // The sweep compares tree shapes on fp32 weights; the q8 kernels have their rows in the kernel suite.
  const kernels = benchKernels(ctx, 'ConditionalMatmul').filter((k) => (k.dtype ?? 'fp32') === 'fp32' && (!options.sweepFusedOnly || k.level === 'fused'));
  const x = data.inputs(batch, h);
  for (const [trees, depth] of options.sweep) {
    const shape = { trees, depth, inputSize: h, outputSize: h };
    const weights = data.conditional(shape);
    for (const kernel of kernels) {
      // the WASM kernels run at their default threads (the CPUs, at most 8); the row says how many
      const settings = resolveThreadSettings();
      const prepared = kernel.prepare(weights, shape, settings);
      try {
        const { threads, minConditionalBatch } = settings;
        const threadFields = kernel.backend === 'wasm' ? { threads, threads_used: batch >= minConditionalBatch ? startThreadPool(settings) : 1 } : {};
        const m = await measure(() => kernel.run(prepared, x, batch), { budgetS: options.budgetS });
        ctx.addRow(
          makeRow(
            {
              suite: 'depth-sweep',
              name: fffName(trees, depth),
              family: 'fff',
              implementation: kernelLabel(kernel, { threads: threadFields.threads }),
              backend: kernel.backend,
              level: kernel.level,
              batch,
              input_size: h,
              output_size: h,
              neurons: trees * nodesPerTree(depth),
              trees,
              depth,
              ...threadFields,
            },
            m,
          ),
        );
      } finally {
        prepared.dispose();
      }
    }
  }
}
