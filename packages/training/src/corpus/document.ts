/** One document of a pretraining corpus. Documents are separated by [SEP] when packed. */
export interface CorpusDocument {
  /** Which reader produced it: `sotu`, `moby-dick`, `brown` or `file`. */
  readonly source: string;
  /** Unique within its source, e.g. `1790-george-washington`, `chapter-1`, `ca01`, or a file path. */
  readonly id: string;
  /** Plain text; paragraphs are separated by blank lines. */
  readonly text: string;
}
