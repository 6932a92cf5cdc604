import { listKernels } from '@ufbert/cmm';
import { CrammedBertModel, fffNeurons, presetConfig } from '@ufbert/crammed-bert';
import { setBackend, tf } from '@ufbert/tensor';
import { conforming, timeRow, type GpuRowSetup } from './gpu-row.js';

/** The paper's pair, or a tiny pair that keeps a test on an emulated adapter short. */
export const MODEL_PLANS = {
  full: { presets: ['UltraFastBERT-1x11', 'crammedBERT-3072'], sequences: 8, tokens: 128 },
  tiny: { presets: ['UltraFastBERT-tiny-1x11', 'crammedBERT-tiny'], sequences: 2, tokens: 8 },
} as const;

export type ModelPlan = keyof typeof MODEL_PLANS | 'none';

/**
 * The whole encoder (CrammedBertModel.hiddenStates, no head) of UltraFastBERT against
 * crammedBERT on tfjs-webgpu, randomly initialised, on `sequences` x `tokens` token ids:
 * the FFF blocks run cmm's conditional forward program on tfjs's command encoders, so the
 * rows need ConditionalMatmul/webgpu/fused to have passed conformance. Timed like the
 * kernel rows (the GPU clock over every command encoder of a forward pass), after one
 * untimed pass that prepares the weight layouts.
 */
export async function runModelRows(setup: GpuRowSetup, plan: ModelPlan): Promise<void> {
  const { ctx } = setup;
  if (plan === 'none') return ctx.skip('whole-model rows (UltraFastBERT vs crammedBERT on tfjs-webgpu)', '--model none');
  const { presets, sequences, tokens } = MODEL_PLANS[plan];
  if (conforming(setup, listKernels('ConditionalMatmul', ['webgpu'])).length === 0) {
    return ctx.skip('whole-model rows', 'the FFF blocks run the program of ConditionalMatmul/webgpu/fused, which did not pass conformance here');
  }
  await setBackend('webgpu');
  ctx.log(`whole model on tfjs-webgpu: ${presets.join(' vs ')}, ${sequences}x${tokens} tokens`);
  for (const preset of presets) {
    const config = presetConfig(preset);
    const isFff = config.intermed_type === 'fff';
    const neurons = isFff ? fffNeurons(config) : config.intermed_size;
    const model = CrammedBertModel.create(config, { seed: ctx.options.seed }).eval();
    const ids = tf.tensor2d(ctx.data.tokenIds(sequences * tokens, config.embedding.vocab_size), [sequences, tokens], 'int32');
    const forward = async () => {
      const y = tf.tidy(() => model.hiddenStates(ids));
      await y.data();
      y.dispose();
    };
    try {
      const h = config.hidden_size;
      await timeRow(
        setup,
        {
          suite: 'model',
          name: `model ${preset.toLowerCase()}`,
          family: isFff ? 'fff' : 'ff',
          implementation: `CrammedBertModel.hiddenStates, ${config.num_transformer_layers} layers, hidden ${h}, ${sequences}x${tokens} tokens`,
          backend: 'tfjs-webgpu',
          level: 'model',
          batch: sequences * tokens,
          sequences,
          layers: config.num_transformer_layers,
          input_size: h,
          output_size: h,
          neurons,
          ...(isFff ? { trees: config.intermed_size, depth: config.intermed_depth } : {}),
        },
        forward,
      );
    } finally {
      ids.dispose();
      model.dispose();
    }
  }
}
