import { fastestKernel } from '@ufbert/cmm';
import type { SuiteContext } from '../context.js';
import { maxAbs, maxAbsDiff } from '../data.js';
import { measure } from '../measure.js';
import { denseFeedforwardModel, INPUT_NAME, OUTPUT_NAME, type GeluForm } from '../onnx/feedforward-model.js';
import { makeRow } from '../rows.js';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/**
 * The strongest dense feedforward a Node user can pick: onnxruntime-node's CPU
 * provider on an ONNX graph built here (MatMul, Gelu, MatMul; no biases, as crammedBERT),
 * at each intra-op thread count. FFF rows are later divided into these.
 */
export async function runExternal(ctx: SuiteContext): Promise<void> {
  const { options } = ctx;
  ctx.log('external baseline: onnxruntime-node dense FF');
  let ort: Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    ctx.skip('onnxruntime-node baseline', `onnxruntime-node could not be loaded: ${(err as Error).message}`);
    return;
  }
  const h = options.inputSize;
  for (const width of options.denseWidths) {
    const shape = { inputSize: h, hiddenSize: width, outputSize: h };
    const weights = ctx.data.dense(shape);
    let form: GeluForm = 'gelu-op';
    let note: string | undefined;
    for (const threads of options.onnxThreads) {
      let session: Session;
      const sessionOptions = {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      } as const;
      const build = (gelu: GeluForm) =>
        ort.InferenceSession.create(denseFeedforwardModel({ ...shape, wIn: weights.wIn.values, wOut: weights.wOut.values, gelu }), sessionOptions);
      try {
        session = await build(form);
      } catch (err) {
        if (form !== 'gelu-op') throw err;
        form = 'erf';
        note = `Gelu (opset 20) refused (${(err as Error).message.split('\n')[0]}); GELU built from Erf at opset 17`;
        session = await build(form);
      }
      try {
        if (threads === options.onnxThreads[0]) await checkAgainstCmm(ctx, ort, session, weights, width);
        for (const batch of options.batches) {
          const feeds = { [INPUT_NAME]: new ort.Tensor('float32', ctx.data.inputs(batch, h), [batch, h]) };
          const m = await measure(() => session.run(feeds), { budgetS: options.budgetS });
          ctx.addRow(
            makeRow(
              {
                suite: 'external',
                name: `onnxruntime ff-${width}`,
                family: 'ff',
                implementation: `onnxruntime-node ${form === 'gelu-op' ? 'MatMul+Gelu+MatMul' : 'MatMul+Erf-GELU+MatMul'}, ${threads} thread${threads > 1 ? 's' : ''}`,
                backend: 'onnxruntime-cpu',
                level: 'external',
                batch,
                input_size: h,
                output_size: h,
                neurons: width,
                threads,
                note,
              },
              m,
            ),
          );
        }
      } finally {
        await session.release();
      }
    }
  }
}

/** The graph computes the same feedforward as the cmm dense kernels (to float32 rounding). */
async function checkAgainstCmm(
  ctx: SuiteContext,
  ort: Ort,
  session: Session,
  weights: ReturnType<SuiteContext['data']['dense']>,
  width: number,
): Promise<void> {
  const h = ctx.options.inputSize;
  const batch = 4;
  const x = ctx.data.inputs(batch, h);
  const out = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', x, [batch, h]) });
  const kernel = fastestKernel('DenseMatmul');
  const prepared = kernel.prepare(weights, { inputSize: h, hiddenSize: width, outputSize: h });
  try {
    const expected = kernel.run(prepared, x, batch).y;
    const label = `${kernel.kernelName}/${kernel.backend}/${kernel.level}`;
    ctx.check(
      `onnxruntime ff-${width} vs ${label}, B=${batch}`,
      maxAbsDiff(out[OUTPUT_NAME].data as Float32Array, expected),
      1e-3 * Math.max(1, maxAbs(expected)),
    );
  } finally {
    prepared.dispose();
  }
}
