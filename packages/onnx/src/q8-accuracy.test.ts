import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadModel } from '@ufbert/crammed-bert/node';
import { FIXTURES } from '../../../fixtures/index.js';
import { onnxModelBytes } from './onnx-model-bytes.js';
import { OnnxEncoderSession } from './node/session.js';
import type { EncoderOutputs } from './encoder-session.js';

const SEQUENCES = 64;
/** One position in MASK_EVERY is replaced by the mask id and held out: its logits are compared. */
const MASK_EVERY = 5;
const MASK_ID = 4;
/**
 * A token whose FFF path differs from fp32's (a logit within the quantization error of 0 sent
 * it the other way) takes other nodes' rows: a discrete change that no tolerance on the
 * numbers bounds, so these tokens are counted, not held to the cosine gate.
 */
const MAX_REROUTED = 0.05;

/** Seeded inputs (xorshift): ids in [5, vocab), full attention except a padded tail on every third sequence. */
function inputs(vocab: number, sequence: number) {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const ids = new BigInt64Array(SEQUENCES * sequence);
  const mask = new BigInt64Array(SEQUENCES * sequence);
  const held: number[] = [];
  for (let b = 0; b < SEQUENCES; b++) {
    const length = b % 3 === 2 ? sequence - 3 : sequence;
    for (let s = 0; s < sequence; s++) {
      const at = b * sequence + s;
      mask[at] = s < length ? 1n : 0n;
      const masked = s < length && next() < 1 / MASK_EVERY;
      ids[at] = BigInt(masked ? MASK_ID : 5 + Math.floor(next() * (vocab - 5)));
      if (masked) held.push(at);
    }
  }
  return { ids, mask, held, dims: [SEQUENCES, sequence] as [number, number] };
}

function argmax(values: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (values[row * width + j] > values[row * width + best]) best = j;
  return best;
}

function cosine(a: Float32Array, b: Float32Array, row: number, width: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < width; j++) {
    const x = a[row * width + j];
    const y = b[row * width + j];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** Per token: whether its FFF path (every tree, level and layer) differs between `a` and `b`. */
function rerouted(a: EncoderOutputs, b: EncoderOutputs): boolean[] {
  const [layers, tokens, trees, levels] = a.routesDims!;
  const differs = Array.from({ length: tokens }, () => false);
  for (let l = 0; l < layers; l++) {
    for (let t = 0; t < tokens; t++) {
      const base = (l * tokens + t) * trees * levels;
      for (let j = 0; j < trees * levels; j++) if (a.routes![base + j] !== b.routes![base + j]) differs[t] = true;
    }
  }
  return differs;
}

async function run(bytes: Uint8Array, graphOptimization: 'all' | 'disabled', batch: ReturnType<typeof inputs>): Promise<EncoderOutputs> {
  const session = await OnnxEncoderSession.create(bytes, { threads: 1, graphOptimization });
  try {
    return await session.runTensors(batch.ids, batch.mask, batch.dims);
  } finally {
    await session.release();
  }
}

describe('q8 export of the reference fixtures against fp32 of the same model', () => {
  for (const name of ['crammed-ff-mlm', 'crammed-fff-mlm', 'crammed-ff-cls', 'crammed-fff-cls']) {
    it(`${name}: runs at graph optimisation all and disabled within the gates (top-1 >= 98 %, cosine >= 0.995 on every token whose FFF path is unchanged, at most 5 % rerouted)`, async () => {
      const model = (await loadModel(join(FIXTURES, name))).eval();
      const config = model.config;
      const isFff = config.intermed_type === 'fff';
      let fp32: Uint8Array;
      let q8: Uint8Array;
      try {
        fp32 = await onnxModelBytes(model, { routes: isFff });
        q8 = await onnxModelBytes(model, { routes: isFff, dtype: 'q8' });
      } finally {
        model.dispose();
      }
      const batch = inputs(config.embedding.vocab_size, config.embedding.max_seq_length);
      const reference = await run(fp32, 'all', batch);
      const h = config.hidden_size;
      for (const graphOptimization of ['all', 'disabled'] as const) {
        const out = await run(q8, graphOptimization, batch);
        const width = reference.logitsDims!.at(-1)!;
        const rows = config.num_labels === null ? batch.held : Array.from({ length: SEQUENCES }, (_, b) => b);
        const agree = rows.filter((r) => argmax(out.logits!, r, width) === argmax(reference.logits!, r, width)).length / rows.length;
        const differs = isFff ? rerouted(out, reference) : [];
        let worstSameRoute = 1;
        let worstRerouted = 1;
        let tokens = 0;
        let reroutedTokens = 0;
        for (let t = 0; t < batch.ids.length; t++) {
          if (batch.mask[t] !== 1n) continue;
          const c = cosine(out.hiddenStates, reference.hiddenStates, t, h);
          tokens++;
          if (differs[t]) {
            reroutedTokens++;
            worstRerouted = Math.min(worstRerouted, c);
          } else worstSameRoute = Math.min(worstSameRoute, c);
        }
        const share = reroutedTokens / tokens;
        console.log(
          `${name} q8 (${graphOptimization}): top-1 agreement ${(100 * agree).toFixed(1)} % of ${rows.length}; worst token 1 - cosine ${(1 - worstSameRoute).toExponential(2)}; ` +
            `FFF route difference ${(100 * share).toFixed(2)} % of ${tokens} tokens (worst cosine among them ${worstRerouted.toFixed(4)})`,
        );
        expect(agree).toBeGreaterThanOrEqual(0.98);
        expect(worstSameRoute).toBeGreaterThanOrEqual(0.995);
        expect(share).toBeLessThanOrEqual(MAX_REROUTED);
      }
    });
  }
});
