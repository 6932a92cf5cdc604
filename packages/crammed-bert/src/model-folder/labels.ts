import { ModelFolderError } from '../errors.js';

/** A config's label entries, as Hugging Face writes them: `{"0": "negative"}` and `{"negative": 0}`. */
export interface LabelEntries {
  id2label: Record<string, string>;
  label2id: Record<string, number>;
}

/**
 * Label names by index from a config's `id2label` (`{ "0": "negative", "1": "positive" }`,
 * the Hugging Face layout), or undefined when the config has none. `source` names the file in errors.
 */
export function readLabels(config: Readonly<Record<string, unknown>>, source: string): string[] | undefined {
  if (!Object.hasOwn(config, 'id2label')) return undefined;
  const id2label = config.id2label;
  if (!id2label || typeof id2label !== 'object' || Array.isArray(id2label)) {
    throw new ModelFolderError(`expected id2label in ${source} to be an object of index -> label, got ${JSON.stringify(id2label)}`);
  }
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = [];
  for (const [key, label] of entries) {
    const index = Number(key);
    if (!/^\d+$/.test(key) || index >= entries.length || typeof label !== 'string') {
      throw new ModelFolderError(
        `expected id2label in ${source} to map the indices 0..${entries.length - 1} to strings, got "${key}": ${JSON.stringify(label)}`,
      );
    }
    labels[index] = label;
  }
  return labels;
}

/** `id2label` and `label2id` for label names by index: what a config carries for a classifier. */
export function labelEntries(labels: readonly string[]): LabelEntries {
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  labels.forEach((label, i) => {
    id2label[String(i)] = label;
    label2id[label] = i;
  });
  return { id2label, label2id };
}

/** The names a classifier of `count` labels shows: the given ones when they are exactly that many, else `LABEL_<i>` as transformers does. */
export function labelNames(count: number, given?: readonly string[]): string[] {
  return Array.from({ length: count }, (_, i) => (given?.length === count ? given[i] : `LABEL_${i}`));
}
