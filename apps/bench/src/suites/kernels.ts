import { kernelLabel, nodesPerTree, resolveThreadSettings, startThreadPool, type ConditionalShape, type DenseShape, type ThreadSettings } from '@ufbert/cmm';
import type { SuiteContext } from '../context.js';
import { maxAbs, maxAbsDiff } from '../data.js';
import { formatSeconds, measure } from '../measure.js';
import type { Row } from '../report/types.js';
import { fffName, makeRow, type RowIdentity } from '../rows.js';
import { benchKernels } from './cmm-kernels.js';

/**
 * The thread counts a kernel runs at: the WASM kernels at each of onnxruntime's thread
 * counts, so every FFF and dense row has an onnxruntime row with the same threads; the
 * others (TypeScript: one thread; webgpu) once, as configured.
 */
function threadCounts(ctx: SuiteContext, backend: string): Array<number | undefined> {
  return backend === 'wasm' ? [...ctx.options.onnxThreads] : [undefined];
}

/**
 * Runs `body` with the thread settings a WASM kernel is prepared with for `threads` (the
 * defaults when undefined) and gives it the row fields that say so: threads asked, threads
 * a call of `batch` tokens used (one below the split threshold or when calibration found
 * that threads do not pay here), and a note when they differ.
 */
async function withThreads(
  threads: number | undefined,
  body: (settings: ThreadSettings, fields: (batch: number, splits: (batch: number) => boolean) => Partial<Row>) => Promise<void>,
): Promise<void> {
  const settings = resolveThreadSettings({ threads });
  if (threads === undefined) {
    await body(settings, () => ({}));
    return;
  }
  const pool = startThreadPool(settings);
  await body(settings, (batch, splits) => {
    const used = splits(batch) ? pool : 1;
    const why = pool < threads ? 'calibration found that threads do not pay on this host' : 'below the batch size a call is split at';
    return { threads, threads_used: used, ...(used < threads ? { note: `ran on ${used} of ${threads} threads: ${why}` } : {}) };
  });
}

/** Tokens in the cross-kernel agreement check of each layer. */
const CHECK_BATCH = 4;

type Run = (x: Float32Array, batch: number, out?: Float32Array) => { y: Float32Array } | Promise<{ y: Float32Array }>;

/**
 * Every ConditionalMatmul kernel on FFF-1x11 (fp32, and q8: rows `fff-1x11 q8`) and every
 * DenseMatmul kernel on each FF width, at every batch size. Weights are prepared once per kernel, outside the timing;
 * each kernel's output is first compared with the first kernel of its group. Timed
 * calls write into an output array allocated once per batch size (the kernels' `out`
 * option), as a serving loop would: a new 3 KB Float32Array costs about 1 µs in Node
 * 20, a third of an FFF-1x11 token at B = 1, and says nothing about the kernel.
 */
export async function runKernels(ctx: SuiteContext): Promise<void> {
  const { options, data } = ctx;
  const h = options.inputSize;
  ctx.log(`kernels: FFF-1x11 vs FF-${options.denseWidths.join('/FF-')}, H = O = ${h}, B in {${options.batches.join(', ')}}`);
  const inputs = new Map(options.batches.map((b) => [b, data.inputs(b, h)]));
  const checkX = data.inputs(CHECK_BATCH, h);
  const layer = { input_size: h, output_size: h };

  const conditionalShape: ConditionalShape = { trees: 1, depth: 11, inputSize: h, outputSize: h };
  const conditionalWeights = data.conditional(conditionalShape);
  // fp32 and q8 kernels are checked within their own dtype: q8 differs from fp32 by its quantization error (cmm's conformance suite bounds it).
  const conditionalGroups = { fp32: new Agreement(ctx, fffName(1, 11)), q8: new Agreement(ctx, `${fffName(1, 11)} q8`) };
  for (const kernel of benchKernels(ctx, 'ConditionalMatmul')) {
    const q8 = kernel.dtype === 'q8';
    for (const threads of threadCounts(ctx, kernel.backend)) {
      await withThreads(threads, async (settings, threadFields) => {
        const prepared = kernel.prepare(conditionalWeights, conditionalShape, settings);
        try {
          const identity = {
            suite: 'kernels',
            name: q8 ? `${fffName(1, 11)} q8` : fffName(1, 11),
            ...(q8 ? { dtype: 'q8' as const } : {}),
            family: 'fff',
            implementation: kernelLabel(kernel, { threads }),
            backend: kernel.backend,
            level: kernel.level,
            ...layer,
            neurons: nodesPerTree(11),
            trees: 1,
            depth: 11,
          } as const;
          const splits = (batch: number) => batch >= settings.minConditionalBatch;
          await measureBatches(
            ctx,
            inputs,
            checkX,
            conditionalGroups[q8 ? 'q8' : 'fp32'],
            identity,
            (batch) => threadFields(batch, splits),
            (x, batch, out) => kernel.run(prepared, x, batch, { out }),
          );
        } finally {
          prepared.dispose();
        }
      });
    }
  }

  const denseKernels = benchKernels(ctx, 'DenseMatmul');
  for (const width of options.denseWidths) {
    const shape: DenseShape = { inputSize: h, hiddenSize: width, outputSize: h };
    const weights = data.dense(shape);
    const group = new Agreement(ctx, `ff-${width}`);
    for (const kernel of denseKernels) {
      for (const threads of threadCounts(ctx, kernel.backend)) {
        await withThreads(threads, async (settings, threadFields) => {
          const prepared = kernel.prepare(weights, shape, settings);
          try {
            const identity = {
              suite: 'kernels',
              name: `ff-${width}`,
              family: 'ff',
              implementation: kernelLabel(kernel, { threads }),
              backend: kernel.backend,
              level: kernel.level,
              ...layer,
              neurons: width,
            } as const;
            const splits = (batch: number) => batch * width * 2 * h >= settings.minDenseWork;
            await measureBatches(
              ctx,
              inputs,
              checkX,
              group,
              identity,
              (batch) => threadFields(batch, splits),
              (x, batch, out) => kernel.run(prepared, x, batch, { out }),
            );
          } finally {
            prepared.dispose();
          }
        });
      }
    }
  }
}

/** The first kernel of a layer is the reference the others' outputs are checked against. */
class Agreement {
  private reference: { label: string; y: Float32Array } | undefined;

  constructor(
    private readonly ctx: SuiteContext,
    private readonly layer: string,
  ) {}

  compare(label: string, y: Float32Array): void {
    if (!this.reference) {
      this.reference = { label, y };
      return;
    }
    const { reference } = this;
    this.ctx.check(`${this.layer} ${label} vs ${reference.label}, B=${CHECK_BATCH}`, maxAbsDiff(y, reference.y), 1e-3 * Math.max(1, maxAbs(reference.y)));
  }
}

async function measureBatches(
  ctx: SuiteContext,
  inputs: ReadonlyMap<number, Float32Array>,
  checkX: Float32Array,
  group: Agreement,
  identity: Omit<RowIdentity, 'batch'>,
  extra: (batch: number) => Partial<Row>,
  run: Run,
): Promise<void> {
  group.compare(identity.implementation, (await run(checkX, CHECK_BATCH)).y);
  let previous: Row | undefined;
  for (const [batch, x] of inputs) {
    if (tooSlow(ctx, previous, batch, `${identity.name} ${identity.implementation}`)) break;
    // H = O in this suite, so an output has the size of its input
    const out = new Float32Array(x.length);
    const m = await measure(() => run(x, batch, out), { budgetS: ctx.options.budgetS });
    previous = makeRow({ ...identity, batch, ...extra(batch) }, m);
    ctx.addRow(previous);
  }
}

/**
 * Whether one call at `batch` would take longer than `maxCallS`, judged from the time per
 * token at the previous batch; then this and the larger batches are a stated skip.
 */
function tooSlow(ctx: SuiteContext, previous: Row | undefined, batch: number, what: string): boolean {
  if (!previous) return false;
  const predictedS = (previous.median_us_per_token * batch) / 1e6;
  if (predictedS <= ctx.options.maxCallS) return false;
  ctx.skip(
    `${what} at B >= ${batch}`,
    `one call would take about ${formatSeconds(predictedS)} (${previous.median_us_per_token} µs/token at B=${previous.batch}), over the ${formatSeconds(ctx.options.maxCallS)} cap per call`,
  );
  return true;
}
