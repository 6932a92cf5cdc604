import { describeValue } from './describe-value.js';
import { PipelineError } from './errors.js';

/**
 * Checks the model argument of `pipeline(task, model)` before anything is loaded. transformers.js
 * falls back on a default model per task; ufbert has none (a default would be a download nobody
 * asked for), so a missing model says how to name one.
 */
export function checkModelSource(task: string, model: unknown, accepted: 'source' | 'bytes'): void {
  const how =
    accepted === 'source'
      ? 'a folder path (model.safetensors, model_config.json or config.json, tokenizer.json), an http(s) URL serving those files, ' +
        "a hub id 'owner/name', or the files' bytes by name"
      : "the model files' bytes by name (a Map or an object of Uint8Arrays: model.safetensors, model_config.json or config.json, tokenizer.json)";
  if (model === undefined || model === null || model === '') {
    throw new PipelineError(`pipeline('${task}') needs a model: ${how}; ufbert has no default model`);
  }
  const isBytes =
    model instanceof Map ||
    (typeof model === 'object' && !Array.isArray(model) && !(model instanceof URL) && !ArrayBuffer.isView(model) && !(model instanceof ArrayBuffer));
  const ok = accepted === 'bytes' ? isBytes : typeof model === 'string' || model instanceof URL || isBytes;
  if (!ok) throw new PipelineError(`expected the model of pipeline('${task}') as ${how}, got ${describeValue(model)}`);
}
