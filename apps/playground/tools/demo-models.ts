// The small models the playground ships: written here, from the repository's own code, when
// the site is built or served, so nothing is downloaded and no weights are committed.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setBackend, tf, type Tensor2D } from '@ufbert/tensor';
import { CrammedBertModel, createConfig, trainWordPiece, type CrammedBertConfig, type TextTokenizer } from '@ufbert/crammed-bert';
import { loadModel, saveModel } from '@ufbert/crammed-bert/node';

/** Bumped whenever what is written changes, so an older folder is rewritten rather than reused. */
const GENERATION = 'demo-models-4';

/** Adam steps per model: a few seconds; the test needs none, the screenshot needs sensible words. */
const FIT_STEPS = 200;

const SENTENCES = [
  'the capital of france is paris.',
  'the capital of italy is rome.',
  'the capital of germany is berlin.',
  'the capital of spain is madrid.',
  'paris is a city in france.',
  'rome is a city in italy.',
  'berlin is a city in germany.',
  'madrid is a city in spain.',
  'a river runs through paris.',
  'a river runs through rome.',
  'the city is old and the river is long.',
  'the film was good and the music was fine.',
];

/** One entry of models/index.json, the catalogue the page offers. */
export interface DemoModel {
  name: string;
  /** Folder under the site root, ending in a slash. */
  path: string;
  description: string;
}

const LAYOUT = {
  num_transformer_layers: 2,
  hidden_size: 64,
  hidden_dropout_prob: 0,
  embedding: { max_seq_length: 32, dropout_prob: 0 },
  attention: { num_attention_heads: 4, dropout_prob: 0 },
  classification_head: { head_dim: 32, pooler: 'zero_index' as const, classifier_dropout: 0 },
};

/** Two trees of depth 3 per layer (15 nodes each, 30 neurons): small enough to draw every node. */
const FFF = { intermed_type: 'fff' as const, intermed_size: 2, intermed_depth: 3 };
/** The dense twin with as many neurons as the FFF layer has. */
const FF = { intermed_type: 'ff' as const, intermed_size: 30 };

function configOf(tokenizer: TextTokenizer, feedforward: typeof FFF | typeof FF, numLabels: number | null): CrammedBertConfig {
  return createConfig({ ...LAYOUT, ...feedforward, num_labels: numLabels, embedding: { ...LAYOUT.embedding, vocab_size: tokenizer.vocabSize } });
}

/**
 * Adam steps of masked-word prediction on the sentences above, one word of each
 * masked in turn: enough for the demo to complete "the capital of france is [MASK]." sensibly.
 */
function fitMaskedWords(model: CrammedBertModel, tokenizer: TextTokenizer, steps: number): void {
  const mask = tokenizer.specialTokens.mask!.id;
  const encoded = tokenizer.encodeBatch(SENTENCES);
  const width = encoded.inputIds[0].length;
  const hidden = model.config.hidden_size;
  const optimizer = tf.train.adam(0.003);
  model.train();
  for (let step = 0; step < steps; step++) {
    // The word masked in each sentence: the positions 1 .. length-2 in turn (not [CLS] or [SEP]).
    const positions = encoded.lengths.map((length) => 1 + (step % (length - 2)));
    const inputs = encoded.inputIds.map((ids, i) => ids.map((id, s) => (s === positions[i] ? mask : id)));
    const targets = encoded.inputIds.map((ids, i) => ids[positions[i]]);
    const ids = tf.tensor2d(inputs, undefined, 'int32');
    const attention = tf.tensor2d(encoded.attentionMask, undefined, 'int32');
    const flat = tf.tensor1d(
      positions.map((s, i) => i * width + s),
      'int32',
    );
    const labels = tf.oneHot(tf.tensor1d(targets, 'int32'), tokenizer.vocabSize);
    const loss = optimizer.minimize(
      () => {
        const rows = tf.gather(tf.reshape(model.hiddenStates(ids, attention), [-1, hidden]), flat) as Tensor2D;
        return tf.losses.softmaxCrossEntropy(labels, model.decode(rows)) as tf.Scalar;
      },
      true,
      model.trainableVariables(),
    );
    tf.dispose([loss, ids, attention, flat, labels].filter((t) => t !== null));
  }
  model.eval();
  optimizer.dispose();
}

async function writeModel(dir: string, model: CrammedBertModel, tokenizer: TextTokenizer, labels?: readonly string[]): Promise<void> {
  await saveModel(model, dir, { tokenizer, labels });
  model.dispose();
}

/**
 * Writes the demo models into `dir` (tiny-fff, tiny-ff, tiny-fff-classifier) and returns
 * their catalogue; a folder already written by this generation is reused as it is.
 */
export async function writeDemoModels(dir: string): Promise<DemoModel[]> {
  const catalogue: DemoModel[] = [
    {
      name: 'tiny UltraFastBERT (FFF 2x3)',
      path: 'models/tiny-fff/',
      description: '2 layers, hidden 64, 2 trees of depth 3 per layer, fitted for a few seconds on 12 sentences (so expect the words of those sentences)',
    },
    { name: 'tiny crammedBERT (FF 30)', path: 'models/tiny-ff/', description: 'the same model with a dense feedforward of 30 neurons, fitted the same way' },
    {
      name: 'tiny UltraFastBERT classifier (untrained head)',
      path: 'models/tiny-fff-classifier/',
      description: 'the FFF model with a fresh 2-label head: shows the classification view, its labels mean nothing',
    },
  ];
  const stamp = join(dir, 'generation.txt');
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')) === GENERATION) return catalogue;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // wasm: four times the cpu backend's speed here, so a fresh build spends seconds on this.
  await setBackend('wasm');
  const tokenizer = trainWordPiece(SENTENCES, { vocabSize: 160, minFrequency: 1 });
  const fff = CrammedBertModel.create(configOf(tokenizer, FFF, null), { seed: 7 });
  fitMaskedWords(fff, tokenizer, FIT_STEPS);
  await writeModel(join(dir, 'tiny-fff'), fff, tokenizer);
  const ff = CrammedBertModel.create(configOf(tokenizer, FF, null), { seed: 7 });
  fitMaskedWords(ff, tokenizer, FIT_STEPS);
  await writeModel(join(dir, 'tiny-ff'), ff, tokenizer);
  const classifier = await loadModel(join(dir, 'tiny-fff'), { numLabels: 2 });
  await writeModel(join(dir, 'tiny-fff-classifier'), classifier, tokenizer, ['negative', 'positive']);
  await writeFile(join(dir, 'index.json'), `${JSON.stringify(catalogue, null, 2)}\n`);
  await writeFile(stamp, GENERATION);
  return catalogue;
}
