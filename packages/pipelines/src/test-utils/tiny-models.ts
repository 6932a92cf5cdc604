import { join } from 'node:path';
import { tf } from '@ufbert/tensor';
import type { Tensor2D } from '@ufbert/tensor';
import { CrammedBertModel, createConfig, trainWordPiece, type TextTokenizer } from '@ufbert/crammed-bert';
import { saveModel } from '@ufbert/crammed-bert/node';

export const CORPUS = [
  'the capital of france is paris.',
  'rome is the capital of italy and a very old city.',
  'berlin is a large city in germany with many parks.',
  'a river runs through the city of paris and the city of rome.',
  'paris is a beautiful city and rome is a beautiful city too.',
];

export const tokenizer: TextTokenizer = trainWordPiece(CORPUS, { vocabSize: 200, minFrequency: 1 });

const config = (numLabels: number | null) =>
  createConfig({
    num_transformer_layers: 2,
    hidden_size: 32,
    intermed_type: 'fff',
    intermed_size: 2,
    intermed_depth: 3,
    num_labels: numLabels,
    hidden_dropout_prob: 0,
    embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32, dropout_prob: 0 },
    attention: { num_attention_heads: 4, dropout_prob: 0 },
    // zero_index: the reference's avg pooling averages padding positions too, so only the first token makes batches padding-invariant.
    classification_head: { head_dim: 16, pooler: 'zero_index' },
  });

/** Overfits the MLM on one sentence with `paris` masked, so fill-mask has a right answer: a tiny trained model. */
function overfit(model: CrammedBertModel): void {
  const { ids } = tokenizer.encode('the capital of france is paris.');
  const target = ids.indexOf(tokenizer.tokenToId('paris')!);
  const masked = ids.map((id, i) => (i === target ? tokenizer.specialTokens.mask!.id : id));
  const inputIds = tf.tensor2d([masked], undefined, 'int32');
  const labels = tf.oneHot(tf.tensor1d([ids[target]], 'int32'), tokenizer.vocabSize);
  const optimizer = tf.train.adam(0.01);
  model.train();
  for (let step = 0; step < 60; step++) {
    const loss = optimizer.minimize(
      () => {
        const hidden = model.hiddenStates(inputIds);
        const row = tf.slice(tf.reshape(hidden, [-1, 32]), [target, 0], [1, 32]) as Tensor2D;
        return tf.losses.softmaxCrossEntropy(labels, model.decode(row)) as tf.Scalar;
      },
      true,
      model.trainableVariables(),
    );
    loss?.dispose();
  }
  model.eval();
  optimizer.dispose();
  tf.dispose([inputIds, labels]);
}

/** A trained MLM folder and an untrained 3-label classifier folder whose config.json names its labels. */
export async function writeTinyModels(work: string): Promise<{ mlmDir: string; clsDir: string }> {
  const mlmDir = join(work, 'mlm');
  const clsDir = join(work, 'cls');
  const model = CrammedBertModel.create(config(null), { seed: 11 });
  overfit(model);
  await saveModel(model, mlmDir, { tokenizer });
  model.dispose();
  const classifier = CrammedBertModel.create(config(3), { seed: 12 });
  await saveModel(classifier, clsDir, { tokenizer, labels: ['negative', 'neutral', 'positive'] });
  classifier.dispose();
  return { mlmDir, clsDir };
}
