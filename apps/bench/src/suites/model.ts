import { fffNeurons } from '@ufbert/crammed-bert';
import { setBackend, tf } from '@ufbert/tensor';
import type { SuiteContext } from '../context.js';
import { performance } from 'node:perf_hooks';
import { formatSeconds, measure, measureInterleaved, type Measurement } from '../measure.js';
import { makeRow, round } from '../rows.js';
import { ONNXRUNTIME_BACKEND } from '../report/speedups.js';
import type { ModelDtype, Row } from '../report/types.js';

type CrammedBert = typeof import('@ufbert/crammed-bert');
type CrammedBertConfig = import('@ufbert/crammed-bert').CrammedBertConfig;
type Onnx = typeof import('@ufbert/onnx') & typeof import('@ufbert/onnx/node');
type EncoderRunner = import('@ufbert/onnx').EncoderRunner;

/**
 * FLOPs (2 per multiply-add) per token of the encoder on sequences of `seq` tokens: the QKV
 * and output projections, attention's two products, and the feedforward as it runs (dense:
 * all of its width; FFF: one node per level and tree, in and out). Norms, softmax and GELU
 * are left out: they are O(H) per token.
 */
export function encoderFlopsPerToken(config: CrammedBertConfig, seq: number): number {
  const h = config.hidden_size;
  const attention = 2 * h * 3 * h + 2 * h * h + 2 * 2 * seq * h;
  const width = config.intermed_type === 'fff' ? config.intermed_size * (config.intermed_depth + 1) : config.intermed_size;
  return config.num_transformer_layers * (attention + 2 * 2 * h * width);
}

/** Profiled forward passes per model; the feedforward share is their median. */
const PROFILED_PASSES = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface ProfiledKernel {
  name: string;
  inputShapes: number[][];
  outputShapes: number[][];
  kernelTimeMs: number;
}

/**
 * Whether a kernel of the encoder belongs to a feedforward block: the FFF ops of
 * @ufbert/fff (kernel names `UfbertFFF...`), or any kernel reading or writing a tensor
 * whose last dimension is the feedforward's hidden width (the dense block's two
 * products and its GELU; attention and embeddings have no tensor of that width).
 */
export function isFeedforwardKernel(kernel: Pick<ProfiledKernel, 'name' | 'inputShapes' | 'outputShapes'>, ffWidth: number): boolean {
  if (kernel.name.startsWith('UfbertFFF')) return true;
  return [...kernel.inputShapes, ...kernel.outputShapes].some((shape) => shape.length >= 2 && shape[shape.length - 1] === ffWidth);
}

/** Share of the profiled kernel time spent in feedforward kernels. */
export function feedforwardShare(kernels: readonly ProfiledKernel[], ffWidth: number): number {
  let total = 0;
  let ff = 0;
  for (const k of kernels) {
    total += k.kernelTimeMs;
    if (isFeedforwardKernel(k, ffWidth)) ff += k.kernelTimeMs;
  }
  return total > 0 ? ff / total : 0;
}

/**
 * The whole encoder (embeddings, the pre-LN blocks, final norm; no MLM decoder) on one
 * sequence, UltraFastBERT against crammedBERT, in eval mode, after one untimed pass. The
 * feedforward share is the median over three profiled forward passes (tf.profile's
 * per-kernel times).
 */
export async function runModel(ctx: SuiteContext): Promise<void> {
  const { options } = ctx;
  let cb: CrammedBert;
  try {
    cb = await import('@ufbert/crammed-bert');
  } catch (err) {
    ctx.skip(
      'whole-model rows',
      `@ufbert/crammed-bert could not be loaded (${(err as Error).message}); build it with 'pnpm --filter @ufbert/crammed-bert build'`,
    );
    return;
  }
  for (const backend of options.tfjsBackends) {
    try {
      await setBackend(backend);
    } catch (err) {
      ctx.skip(`model rows on tfjs-${backend}`, (err as Error).message);
      continue;
    }
    const built: BuiltModel[] = [];
    try {
      for (const preset of options.modelPresets) {
        built.push(buildModel(ctx, cb, preset, backend, 'fp32'));
        // UltraFastBERT again with its FFF blocks on int8 tables (cmm's q8 kernel; host backends only)
        if (cb.presetConfig(preset).intermed_type === 'fff' && backend !== 'webgpu') built.push(buildModel(ctx, cb, preset, backend, 'q8'));
      }
      // All models timed in alternating rounds: they share their attention code, so their
      // non-feedforward times should agree, and timed one after the other a drift of the
      // host's speed between them would read as a difference.
      const wholes = await measureInterleaved(
        built.map((b) => () => tf.dispose(b.forward())),
        { budgetS: options.modelBudgetS, minSamples: 3, maxSamples: 9 },
      );
      for (let i = 0; i < built.length; i++) await addModelRow(ctx, built[i], wholes[i], backend);
    } finally {
      for (const b of built) b.dispose();
    }
  }
  await setBackend('cpu');
  await runOnnxModels(ctx, cb);
}

interface BuiltModel {
  preset: string;
  /** The weights of the FFF blocks' inference kernel. */
  dtype: 'fp32' | 'q8';
  /** The FFF layers, whose prepared weights the kernel-alone timing reuses. */
  fffLayers: readonly import('@ufbert/fff').FFF[];
  config: CrammedBertConfig;
  tokens: number;
  neurons: number;
  forward(): tf.Tensor;
  dispose(): void;
}

/** A model on the active tfjs backend with its input, after one untimed pass. */
function buildModel(ctx: SuiteContext, cb: CrammedBert, preset: string, backend: string, dtype: 'fp32' | 'q8'): BuiltModel {
  const config = cb.presetConfig(preset);
  const tokens = Math.min(ctx.options.modelTokens, config.embedding.max_seq_length);
  const isFff = config.intermed_type === 'fff';
  const neurons = isFff ? fffNeurons(config) : config.intermed_size;
  ctx.log(
    `model: ${preset}${dtype === 'q8' ? ' (FFF q8)' : ''} (${config.num_transformer_layers} layers, hidden ${config.hidden_size}) on tfjs-${backend}, 1 x ${tokens} tokens; building...`,
  );
  const model = cb.CrammedBertModel.create(config, { seed: ctx.options.seed, kernel: { dtype } });
  const ids = tf.tensor2d(ctx.data.tokenIds(tokens, config.embedding.vocab_size), [1, tokens], 'int32');
  const dispose = () => {
    ids.dispose();
    model.dispose();
  };
  try {
    model.eval();
    const forward = () => model.hiddenStates(ids);
    // The first pass prepares weight layouts that later passes reuse (transposed dense
    // weights, the conditional kernel's layout): preparation, not inference, so untimed.
    const firstStart = performance.now();
    tf.dispose(forward());
    ctx.log(`    first forward pass (prepares the weights): ${formatSeconds((performance.now() - firstStart) / 1000)}`);
    return { preset, dtype, config, tokens, neurons, forward, dispose, fffLayers: model.fffLayers };
  } catch (error) {
    dispose();
    throw error;
  }
}

/**
 * The cmm kernel each FFF layer chose, alone, on that layer's prepared weights, the layers
 * one after the other on inputs of the model's token count, as a forward pass runs them:
 * each layer's 25 MB of weights are then as cold as in the model, which a kernel row (one
 * layer's weights, warm from the call before) does not show. Microseconds per token over
 * all layers; undefined where the layers run no host kernel (webgpu) or the model has none.
 */
async function layerKernelsAlone(b: BuiltModel, ctx: SuiteContext): Promise<number | undefined> {
  const layouts = b.fffLayers.map((layer) => layer.preparedWeights);
  if (layouts.length === 0 || layouts.some((l) => l?.kind !== 'host')) return undefined;
  const hosts = layouts as Array<Extract<NonNullable<(typeof layouts)[number]>, { kind: 'host' }>>;
  const h = b.config.hidden_size;
  const x = ctx.data.inputs(b.tokens, h);
  const out = new Float32Array(b.tokens * h);
  const pass = () => {
    for (const { kernel, prepared } of hosts) kernel.run(prepared, x, b.tokens, { out });
  };
  pass();
  const m = await measure(pass, { budgetS: Math.min(2, ctx.options.modelBudgetS), minSamples: 3, maxSamples: 30 });
  return (m.medianS * 1e6) / b.tokens;
}

/** The model's row from its timed passes, with the feedforward share of three profiled passes. */
async function addModelRow(ctx: SuiteContext, b: BuiltModel, whole: Measurement, backend: string): Promise<void> {
  const { config, tokens, neurons } = b;
  const h = config.hidden_size;
  const isFff = config.intermed_type === 'fff';
  const shares: number[] = [];
  for (let pass = 0; pass < PROFILED_PASSES; pass++) {
    const profile = await tf.profile(b.forward);
    tf.dispose(profile.result);
    const kernels = profile.kernels.map((k) => ({ ...k, kernelTimeMs: typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0 }));
    shares.push(feedforwardShare(kernels, neurons));
  }
  const share = median(shares);
  const row = makeRow(
    {
      suite: 'model',
      name: `model ${b.preset.toLowerCase()}${b.dtype === 'q8' ? ' q8' : ''}`,
      family: isFff ? 'fff' : 'ff',
      implementation: `CrammedBertModel.hiddenStates, ${config.num_transformer_layers} layers, hidden ${h}, 1x${tokens} tokens${b.dtype === 'q8' ? `, FFF on ${b.fffLayers[0].describeKernel()}` : ''}`,
      backend: `tfjs-${backend}`,
      level: 'model',
      batch: tokens,
      sequences: 1,
      layers: config.num_transformer_layers,
      dtype: b.dtype,
      input_size: h,
      output_size: h,
      neurons,
      ...(isFff ? { trees: config.intermed_size, depth: config.intermed_depth } : {}),
    },
    whole,
  );
  row.flops_per_token = encoderFlopsPerToken(config, tokens);
  row.ff_share = round(share);
  row.ff_us_per_token = round(share * row.median_us_per_token);
  const kernelAlone = await layerKernelsAlone(b, ctx);
  if (kernelAlone !== undefined) row.ff_kernel_us_per_token = round(kernelAlone);
  ctx.addRow(row);
  ctx.log(
    `    ${b.preset}${b.dtype === 'q8' ? ' q8' : ''}: ${row.median_us_per_token} µs/token; feedforward blocks ${row.ff_us_per_token} µs/token, ${(share * 100).toFixed(1)}% of the kernel time`,
  );
}

/** One encoder exported for onnxruntime: a preset in one dtype. */
interface ExportedModel {
  preset: string;
  config: CrammedBertConfig;
  dtype: ModelDtype;
  bytes: Uint8Array;
}

/**
 * The same encoders exported by @ufbert/onnx (UltraFastBERT with its conditional FFF,
 * crammedBERT dense; no decoder), in every dtype (fp32, and q8: int8 weights with
 * activations quantized per call, what transformers.js users run), in onnxruntime-node at
 * every thread count and call shape: the runtime a user would pick for inference, so the
 * comparison a speed claim rests on. All models of one thread count and parallelism are
 * timed in alternating rounds, so a drift of the shared host's speed lands on each alike.
 */
async function runOnnxModels(ctx: SuiteContext, cb: CrammedBert): Promise<void> {
  const { options } = ctx;
  let onnx: Onnx;
  try {
    // The graph export from the main entry, onnxruntime-node's sessions from the Node edge.
    onnx = { ...(await import('@ufbert/onnx')), ...(await import('@ufbert/onnx/node')) };
  } catch (err) {
    ctx.skip('onnxruntime whole-model rows', `@ufbert/onnx could not be loaded (${(err as Error).message})`);
    return;
  }
  const exported: ExportedModel[] = [];
  for (const preset of options.modelPresets) {
    const config = cb.presetConfig(preset);
    const model = cb.CrammedBertModel.create(config, { seed: options.seed });
    try {
      for (const dtype of options.modelDtypes) {
        const started = performance.now();
        const bytes = await onnx.onnxModelBytes(model.eval(), { head: 'none', dtype });
        ctx.log(
          `model: ${preset} exported to ONNX, ${dtype} (${config.intermed_type === 'fff' ? 'conditional FFF' : 'dense FF'}): ${(bytes.length / 2 ** 20).toFixed(0)} MiB in ${formatSeconds((performance.now() - started) / 1000)}`,
        );
        exported.push({ preset, config, dtype, bytes });
      }
    } finally {
      model.dispose();
    }
  }
  for (const threads of options.onnxThreads) {
    for (const parallelism of threads > 1 ? (['intra-op', 'sequences'] as const) : (['intra-op'] as const)) {
      const sessions: EncoderRunner[] = [];
      try {
        for (const { bytes } of exported) {
          sessions.push(
            parallelism === 'sequences'
              ? await onnx.SequenceParallelSession.create(bytes, { workers: threads })
              : await onnx.OnnxEncoderSession.create(bytes, { threads }),
          );
        }
        for (const [sequences, perSequence] of options.onnxModelShapes) {
          // Sequence-parallel needs a sequence per worker; with fewer it is intra-op's one thread.
          if (parallelism === 'sequences' && sequences < threads) continue;
          const calls = exported.map(({ config }, i) => {
            const tokens = Math.min(perSequence, config.embedding.max_seq_length);
            const ids = BigInt64Array.from(ctx.data.tokenIds(sequences * tokens, config.embedding.vocab_size), BigInt);
            const mask = new BigInt64Array(sequences * tokens).fill(1n);
            return { tokens, call: () => sessions[i].runTensors(ids, mask, [sequences, tokens]) };
          });
          for (const { call } of calls) await call();
          const measured = await measureInterleaved(
            calls.map((c) => c.call),
            { budgetS: options.modelBudgetS, minSamples: 3, maxSamples: 60 },
          );
          exported.forEach((e, i) => ctx.addRow(onnxModelRow(onnx, e, { sequences, tokens: calls[i].tokens, threads, parallelism }, measured[i])));
        }
      } finally {
        await Promise.all(sessions.map((session) => session.release()));
      }
    }
  }
}

/** The row of one exported model at one thread count, parallelism and call shape. */
function onnxModelRow(
  onnx: Onnx,
  e: ExportedModel,
  call: { sequences: number; tokens: number; threads: number; parallelism: 'intra-op' | 'sequences' },
  m: Measurement,
): Row {
  const { config, dtype } = e;
  const { sequences, tokens, threads, parallelism } = call;
  const isFff = config.intermed_type === 'fff';
  const neurons = isFff ? fffNeurons(config) : config.intermed_size;
  const graph = isFff ? `conditional FFF (${onnx.defaultDenseLevels(config.intermed_depth)} dense levels)` : 'dense FF';
  const how = parallelism === 'sequences' ? `${threads} workers x 1 thread (sequence-parallel)` : `${threads} thread${threads > 1 ? 's' : ''}`;
  return {
    ...makeRow(
      {
        suite: 'model',
        name: `model ${e.preset.toLowerCase()}`,
        family: isFff ? 'fff' : 'ff',
        implementation: `@ufbert/onnx ${dtype} ${graph}, ${config.num_transformer_layers} layers, ${sequences}x${tokens} tokens, ${how}`,
        backend: ONNXRUNTIME_BACKEND,
        level: 'model',
        batch: sequences * tokens,
        sequences,
        threads,
        parallelism,
        dtype,
        input_size: config.hidden_size,
        output_size: config.hidden_size,
        neurons,
        ...(isFff ? { trees: config.intermed_size, depth: config.intermed_depth } : {}),
      },
      m,
    ),
    flops_per_token: encoderFlopsPerToken(config, tokens),
  };
}
