import { startThreadPool, threadSettings } from '@ufbert/cmm';
import type { SuiteContext } from '../context.js';
import { measure } from '../measure.js';
import { fffName, makeRow, neuronsOf } from '../rows.js';
import { kernelLabel, benchKernels } from './cmm-kernels.js';

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
      const prepared = kernel.prepare(weights, shape);
      try {
        // the WASM kernels run at the threads configured for the process; the row says how many
        const { threads, minConditionalBatch } = threadSettings();
        const threadFields = kernel.backend === 'wasm' ? { threads, threads_used: batch >= minConditionalBatch ? startThreadPool() : 1 } : {};
        const m = await measure(() => kernel.run(prepared, x, batch), { budgetS: options.budgetS });
        ctx.addRow(
          makeRow(
            {
              suite: 'depth-sweep',
              name: fffName(trees, depth),
              family: 'fff',
              implementation: kernelLabel(kernel, threadFields.threads),
              backend: kernel.backend,
              level: kernel.level,
              batch,
              input_size: h,
              output_size: h,
              neurons: neuronsOf(trees, depth),
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
