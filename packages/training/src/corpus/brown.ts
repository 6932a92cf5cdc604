const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '?', '!', ')', ']', "''", '--']);
const NO_SPACE_AFTER = new Set(['(', '[', '``']);

/** The word of a Form C `word/tag` token: everything before the last `/`. */
export function brownWord(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash < 0 ? token : token.slice(0, slash);
}

/** Joins the words of one tagged sentence into plain text, with quotes and punctuation where a reader expects them. */
export function brownSentence(words: readonly string[]): string {
  let text = '';
  let glueNext = true;
  for (const word of words) {
    const plain = word === '``' || word === "''" ? '"' : word;
    text += glueNext || NO_SPACE_BEFORE.has(word) ? plain : ` ${plain}`;
    glueNext = NO_SPACE_AFTER.has(word);
  }
  return text;
}

/** Words (the text of every `word/tag` token) of one Form C file, sentence by sentence. */
export function brownSentences(tagged: string): string[][] {
  return tagged
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/).map(brownWord));
}
