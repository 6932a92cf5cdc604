import { FILE_LIMITS, readText } from '@ufbert/tensor/node';
import { TokenizerError } from '../errors.js';
import type { TextTokenizer } from '../tokenizer/tokenizer.js';
import { WordPieceTrainer, type WordPieceTrainerOptions } from '../tokenizer/wordpiece-trainer.js';

/** Trains a WordPiece tokenizer on text files, fed line by line (each file read whole, within the layer's text limit). */
export async function trainWordPieceFromFiles(paths: readonly string[], options: WordPieceTrainerOptions = {}): Promise<TextTokenizer> {
  const trainer = new WordPieceTrainer(options);
  for (const path of paths) {
    const text = await readText(path, { what: 'corpus text file', maxBytes: FILE_LIMITS.text, fail: (message) => new TokenizerError(message) });
    for (const line of text.split(/\r?\n/)) trainer.feed(line);
  }
  return trainer.finish();
}
