import { CrammedBertModel, presetConfig, type CrammedBertConfig } from '@ufbert/crammed-bert';
import { crammedBertGraph } from '@ufbert/onnx/web';

/**
 * The pairs the speed panel compares: the full-size UltraFastBERT-1x11 and crammedBERT-3072
 * (16 layers, hidden 768, vocab 32768), or the tiny presets, where the feedforward is too
 * small a share of the time for the FFF to win (for the page's test).
 */
export const SPEED_PAIRS = {
  full: { fff: 'UltraFastBERT-1x11', ff: 'crammedBERT-3072' },
  tiny: { fff: 'UltraFastBERT-tiny-1x11', ff: 'crammedBERT-tiny' },
} as const;

export type SpeedSize = keyof typeof SPEED_PAIRS;

/**
 * FLOPs (2 per multiply-add) per token of the encoder on sequences of `seq` tokens: QKV and
 * output projections, attention's two products, and the feedforward as it runs (dense: all
 * of its width; FFF: one node per level and tree, in and out). The same count as the bench's
 * model rows (apps/bench, encoderFlopsPerToken).
 */
export function encoderFlopsPerToken(config: CrammedBertConfig, seq: number): number {
  const h = config.hidden_size;
  const attention = 2 * h * 3 * h + 2 * h * h + 2 * 2 * seq * h;
  const width = config.intermed_type === 'fff' ? config.intermed_size * (config.intermed_depth + 1) : config.intermed_size;
  return config.num_transformer_layers * (attention + 2 * 2 * h * width);
}

/**
 * A preset with random weights, made here in the page (nothing is fetched: the full-size
 * pair would be 1.1 GB of files), exported by @ufbert/onnx without a head. The tfjs model
 * is freed once its weights are in the graph.
 */
export async function randomModelGraph(preset: string, seed: number): Promise<{ config: CrammedBertConfig; bytes: Uint8Array }> {
  const config = presetConfig(preset);
  const model = CrammedBertModel.create(config, { seed });
  try {
    const state = await model.eval().stateDict();
    const weights = new Map<string, Float32Array>();
    for (const [name, tensor] of state) weights.set(name, tensor.data as Float32Array);
    return { config, bytes: crammedBertGraph(config, weights, { head: 'none' }) };
  } finally {
    model.dispose();
  }
}
