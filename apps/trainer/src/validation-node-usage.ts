import { tf } from '@ufbert/tensor';
import { NodeUsage } from '@ufbert/fff';
import type { CrammedBertModel } from '@ufbert/crammed-bert';
import type { PackedSequences } from '@ufbert/training';
import type { LayerUsage } from './run-report.js';

/** Sequences per forward pass: the routes of a batch are [B * 128, trees, depth + 1]. */
const BATCH = 16;

/**
 * Routes every validation token (padding excluded) through the FFF model and counts, per
 * layer, how many leaves were ever reached and how evenly: the share of leaves used and the
 * entropy of the leaf distribution. A layer whose tokens crowd into a few leaves has
 * degenerated into a smaller tree.
 */
export async function validationNodeUsage(model: CrammedBertModel, validation: PackedSequences): Promise<LayerUsage[]> {
  const config = model.config;
  const fff = { depth: config.intermed_depth, trees: config.intermed_size };
  const counters = Array.from({ length: config.num_transformer_layers }, () => new NodeUsage(fff));
  const S = validation.sequenceLength;
  const perToken = fff.trees * (fff.depth + 1);
  for (let start = 0; start < validation.count; start += BATCH) {
    const count = Math.min(BATCH, validation.count - start);
    const lengths = validation.lengths.subarray(start, start + count);
    const ids = tf.tensor2d(validation.ids.subarray(start * S, (start + count) * S), [count, S], 'int32');
    const mask = tf.tensor2d(
      Int32Array.from({ length: count * S }, (_, i) => (i % S < lengths[Math.floor(i / S)] ? 1 : 0)),
      [count, S],
      'int32',
    );
    let routes: Awaited<ReturnType<typeof model.fffRoutes>>;
    try {
      routes = await model.fffRoutes(ids, mask);
    } finally {
      tf.dispose([ids, mask]);
    }
    routes.forEach(({ nodes }, layer) => {
      const real: Int32Array[] = [];
      for (let b = 0; b < count; b++) real.push(nodes.subarray(b * S * perToken, (b * S + lengths[b]) * perToken));
      counters[layer].record(concat(real));
    });
  }
  return counters.map((counter, layer) => {
    const report = counter.report();
    const leaves = fff.trees * 2 ** fff.depth;
    const leavesUsed = leaves - report.deadLeaves.length;
    // the mean over the trees of NodeUsage's leaf entropy (the route distribution's), in bits
    const pathEntropyBits = report.leafEntropy.reduce((a, b) => a + b, 0) / report.leafEntropy.length;
    return { layer, tokens: report.tokens, leaves, leavesUsed, leafShareUsed: leavesUsed / leaves, pathEntropyBits, maxPathEntropyBits: fff.depth };
  });
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
