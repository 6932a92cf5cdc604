/** A few sentences of varied English (accents, punctuation, numbers) for tokenizer and pipeline tests. */
export const CORPUS: readonly string[] = [
  'The capital of France is Paris. The capital of Germany is Berlin.',
  'The capital of Italy is Rome, and the capital of Spain is Madrid.',
  'Paris is a beautiful city; Berlin is a busy city.',
  'A café in Paris serves coffee, croissants and crêpes.',
  'Naïve readers believe everything; careful readers believe nothing unbelievable.',
  'The quick brown fox jumps over the lazy dog 3 times in 2024!',
  'Machine learning models learn representations of language from data.',
  'Fast feedforward networks use only a few neurons for each token.',
  'UltraFastBERT uses 12 of its 4095 neurons in each layer during inference.',
  'Tokenizers split words into pieces: unbelievable becomes un, ##believ and ##able.',
  'She said: "Rome wasn\'t built in a day", and he agreed.',
  'Learning, learned, learns, learner: the same stem appears again and again.',
];
