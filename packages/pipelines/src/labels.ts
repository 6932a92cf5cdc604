import { PipelineError } from './errors.js';

/**
 * Label names by index from a config's `id2label` (`{ "0": "negative", "1": "positive" }`,
 * the Hugging Face layout), or undefined when the config has none.
 */
export function labelsFromConfig(config: Record<string, unknown>, source: string): string[] | undefined {
  const id2label = config.id2label;
  if (id2label === undefined) return undefined;
  if (!id2label || typeof id2label !== 'object' || Array.isArray(id2label)) throw new PipelineError(`expected id2label in ${source} to be an object of index -> label, got ${JSON.stringify(id2label)}`);
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = [];
  for (const [key, label] of entries) {
    const index = Number(key);
    if (!Number.isSafeInteger(index) || index < 0 || index >= entries.length || typeof label !== 'string') {
      throw new PipelineError(`expected id2label in ${source} to map the indices 0..${entries.length - 1} to strings, got "${key}": ${JSON.stringify(label)}`);
    }
    labels[index] = label;
  }
  return labels;
}
