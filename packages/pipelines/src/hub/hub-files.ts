import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE, MODEL_FILES, TOKENIZER_FILE } from '@ufbert/crammed-bert';

/** The files fetched for a model by id or URL: those a model folder is read from (@ufbert/crammed-bert's one table). */
export const FETCHED_FILES: readonly string[] = MODEL_FILES.map(({ file }) => file);

/** What a snapshot must hold to load: the weights, the tokenizer and one of the two configs; undefined when it does. */
export function missingRequired(present: ReadonlySet<string> | readonly string[]): string | undefined {
  const has = (file: string) => (present instanceof Set ? present.has(file) : (present as readonly string[]).includes(file));
  for (const file of [MODEL_FILE, TOKENIZER_FILE]) if (!has(file)) return file;
  return has(CONFIG_FILE) || has(HF_CONFIG_FILE) ? undefined : `${CONFIG_FILE} or ${HF_CONFIG_FILE}`;
}

const MIB = 1024 * 1024;

/** The most bytes a download of `file` may declare (the guarded file layer's limits for the kind of file). */
export function downloadCap(file: string): number {
  if (file === MODEL_FILE) return 16 * 1024 * MIB;
  if (file === TOKENIZER_FILE) return 256 * MIB;
  return MIB;
}
