import { CrammedBertModel, createConfig, trainWordPiece, type TextTokenizer } from '@ufbert/crammed-bert';
import { saveModel } from '@ufbert/crammed-bert/node';

const CORPUS = [
  'the capital of france is paris.',
  'rome is the capital of italy and a very old city.',
  'berlin is a large city in germany with many parks.',
  'a river runs through the city of paris and the city of rome.',
  'many people live in large cities and small towns.',
];

/** A WordPiece tokenizer of a few sentences, for tiny test models. */
export const tokenizer: TextTokenizer = trainWordPiece(CORPUS, { vocabSize: 200, minFrequency: 1 });

/** A folder with a random tiny UltraFastBERT (2 layers, hidden 32, 2 trees of depth 4): an MLM, or a classifier of `numLabels`. */
export async function tinyModelFolder(dir: string, numLabels: number | null, seed = 3): Promise<string> {
  const config = createConfig({
    num_transformer_layers: 2,
    hidden_size: 32,
    intermed_type: 'fff',
    intermed_size: 2,
    intermed_depth: 4,
    num_labels: numLabels,
    embedding: { vocab_size: tokenizer.vocabSize, max_seq_length: 32 },
    attention: { num_attention_heads: 4 },
    classification_head: { head_dim: 16, pooler: 'zero_index' },
  });
  const model = CrammedBertModel.create(config, { seed });
  await saveModel(model, dir, { tokenizer });
  model.dispose();
  return dir;
}
