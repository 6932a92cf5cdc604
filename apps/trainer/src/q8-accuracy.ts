import { loadModel } from '@ufbert/crammed-bert/node';
import { getTask, type TaskName } from '@ufbert/glue';
import type { LabeledExample } from '@ufbert/glue/node';
import { onnxModelBytes, type EncoderOutputs } from '@ufbert/onnx';
import { OnnxEncoderSession } from '@ufbert/onnx/node';
import { pipeline, type LabelScore } from '@ufbert/pipelines';
import type { PackedSequences } from '@ufbert/training';
import type { Q8Accuracy, Q8TaskAccuracy } from './run-report.js';

/** Held-out sequences compared (the first of the validation set): enough positions for a percentage, a second or two on onnxruntime. */
const MAX_SEQUENCES = 64;
/** Sequences per run of both graphs. */
const BATCH = 8;
/** Every MASK_EVERY-th position (shifted per sequence) is masked, [CLS] and [SEP] never: about 14% of the tokens, as MLM masks 15%. */
const MASK_EVERY = 7;

/** Running sums of the per-token comparisons of two runs of the same tokens. */
class Comparison {
  masked = 0;
  agreeing = 0;
  tokens = 0;
  cosineSum = 0;
  cosineMin = Infinity;
  leaves = 0;
  leavesDiffering = 0;
  tokensWithLeafDiffering = 0;

  /** One batch: `a` fp32, `b` q8, `masks[s]` the masked positions of sequence s, `lengths[s]` its tokens before padding. */
  add(
    a: EncoderOutputs,
    b: EncoderOutputs,
    lengths: readonly number[],
    masks: readonly (readonly number[])[],
    sequence: number,
    hidden: number,
    vocab: number,
  ): void {
    lengths.forEach((length, s) => {
      for (const p of masks[s]) {
        const at = (s * sequence + p) * vocab;
        this.masked++;
        if (argmax(a.logits!, at, vocab) === argmax(b.logits!, at, vocab)) this.agreeing++;
      }
      for (let p = 0; p < length; p++) {
        const cosine = cosineAt(a.hiddenStates, b.hiddenStates, (s * sequence + p) * hidden, hidden);
        this.tokens++;
        this.cosineSum += cosine;
        this.cosineMin = Math.min(this.cosineMin, cosine);
      }
    });
    if (a.routes && b.routes && a.routesDims) this.addRoutes(a.routes, b.routes, a.routesDims, lengths, sequence);
  }

  /** Routes [layers, batch * sequence, trees, depth + 1]: the leaf is each tree's last visited node. */
  private addRoutes(a: BigInt64Array, b: BigInt64Array, dims: readonly number[], lengths: readonly number[], sequence: number): void {
    const [layers, tokens, trees, levels] = dims;
    lengths.forEach((length, s) => {
      for (let p = 0; p < length; p++) {
        let differs = false;
        for (let layer = 0; layer < layers; layer++) {
          for (let tree = 0; tree < trees; tree++) {
            const leaf = ((layer * tokens + s * sequence + p) * trees + tree) * levels + levels - 1;
            this.leaves++;
            if (a[leaf] !== b[leaf]) {
              this.leavesDiffering++;
              differs = true;
            }
          }
        }
        if (differs) this.tokensWithLeafDiffering++;
      }
    });
  }
}

function argmax(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[start + i] > values[start + best]) best = i;
  return best;
}

function cosineAt(a: Float32Array, b: Float32Array, start: number, length: number): number {
  let [dot, aa, bb] = [0, 0, 0];
  for (let i = start; i < start + length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? (aa === bb ? 1 : 0) : dot / Math.sqrt(aa * bb);
}

/**
 * The pretrained model (a checkpoint folder) exported in fp32 and in q8 and run by
 * onnxruntime on the first held-out validation sequences with about one token in seven
 * replaced by [MASK]: how often q8's top prediction at a masked position is fp32's, the
 * cosine similarity of the two runs' final hidden states per token (min and mean), and
 * for an FFF model how many tokens reach another leaf (routes exported with the graph).
 */
export async function maskedModelAgreement(dir: string, validation: PackedSequences, maskId: number): Promise<Omit<Q8Accuracy, 'tasks'>> {
  const model = await loadModel(dir);
  let graphs: Uint8Array[];
  const config = model.config;
  const isFff = config.intermed_type === 'fff';
  try {
    model.eval();
    graphs = [
      await onnxModelBytes(model, { head: 'all', routes: isFff, dtype: 'fp32' }),
      await onnxModelBytes(model, { head: 'all', routes: isFff, dtype: 'q8' }),
    ];
  } finally {
    model.dispose();
  }
  const [fp32, q8] = [await OnnxEncoderSession.create(graphs[0], { threads: 1 }), await OnnxEncoderSession.create(graphs[1], { threads: 1 })];
  const sums = new Comparison();
  const S = validation.sequenceLength;
  try {
    const count = Math.min(MAX_SEQUENCES, validation.count);
    for (let start = 0; start < count; start += BATCH) {
      const sequences = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => start + i);
      const lengths = sequences.map((s) => validation.lengths[s]);
      const masks = sequences.map((s, i) => Array.from({ length: Math.max(0, lengths[i] - 2) }, (_, k) => k + 1).filter((p) => (p + s) % MASK_EVERY === 0));
      const inputIds = sequences.map((s, i) => Array.from(validation.ids.subarray(s * S, (s + 1) * S), (id, p) => (masks[i].includes(p) ? maskId : id)));
      const attentionMask = lengths.map((length) => Array.from({ length: S }, (_, p) => (p < length ? 1 : 0)));
      const [a, b] = [await fp32.run({ inputIds, attentionMask }), await q8.run({ inputIds, attentionMask })];
      sums.add(a, b, lengths, masks, S, config.hidden_size, config.embedding.vocab_size);
    }
  } finally {
    await Promise.all([fp32.release(), q8.release()]);
  }
  return {
    dtype: 'q8',
    baseline: 'fp32',
    maskedPositions: sums.masked,
    top1Agreement: sums.masked ? sums.agreeing / sums.masked : null,
    tokens: sums.tokens,
    hiddenCosineMin: sums.tokens ? sums.cosineMin : null,
    hiddenCosineMean: sums.tokens ? sums.cosineSum / sums.tokens : null,
    leafDifferShare: isFff && sums.leaves ? sums.leavesDiffering / sums.leaves : null,
    tokensWithLeafDifferingShare: isFff && sums.tokens ? sums.tokensWithLeafDiffering / sums.tokens : null,
  };
}

/**
 * A fine-tuned classifier's accuracy on the task's dev split through `pipeline()` on
 * onnxruntime in fp32 and in q8 (inputs longer than the model's window cut to it, alike for both).
 */
export async function classifierAgreement(dir: string, task: string, dev: readonly LabeledExample[]): Promise<Q8TaskAccuracy> {
  const labels = getTask(task as TaskName).labels;
  const inputs = dev.map((e) => (e.textB === undefined ? e.textA : { text: e.textA, text_pair: e.textB }));
  const accuracy = async (dtype: 'fp32' | 'q8') => {
    const classify = await pipeline('text-classification', dir, { dtype, threads: 1, truncation: true });
    try {
      const best = (await classify(inputs, { top_k: 1 })) as LabelScore[];
      return best.filter((b, i) => b.label === labels[dev[i].label]).length / dev.length;
    } finally {
      await classify.dispose();
    }
  };
  const fp32Accuracy = await accuracy('fp32');
  const q8Accuracy = await accuracy('q8');
  return { examples: dev.length, fp32Accuracy, q8Accuracy, differencePoints: 100 * (q8Accuracy - fp32Accuracy) };
}
