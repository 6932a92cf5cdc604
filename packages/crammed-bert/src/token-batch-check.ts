import type { CrammedBertConfig } from './config.js';
import { TokenBatchError } from './errors.js';
import type { TokenBatch } from './inference-runtime.js';

/**
 * Checks a batch against the model before any runtime sees it: rows of equal length within
 * the window, ids integers in [0, vocab_size), mask values 0 or 1. Runtimes fail on such
 * input in their own ways (onnxruntime prints a raw log line before its error, a Gather on
 * tfjs's WebGPU backend reads zeros, a negative id wraps to the end of the vocabulary), so
 * every `InferenceRuntime` calls this first and they all fail the same, typed way. `positions`
 * (flat b * S + s, for masked logits) must lie inside the batch.
 */
export function checkTokenBatch(batch: TokenBatch, config: CrammedBertConfig, positions?: readonly number[]): void {
  if (batch === null || typeof batch !== 'object' || !isRows(batch.inputIds) || !isRows(batch.attentionMask)) {
    throw new TokenBatchError('expected a batch { inputIds, attentionMask } of arrays of rows');
  }
  const vocab = config.embedding.vocab_size;
  const window = config.embedding.max_seq_length;
  const rows = batch.inputIds.length;
  if (rows === 0) throw new TokenBatchError('expected at least one sequence, got an empty batch');
  if (batch.attentionMask.length !== rows) throw new TokenBatchError(`expected ${rows} attention-mask rows, got ${batch.attentionMask.length}`);
  const width = isRows(batch.inputIds[0]) ? batch.inputIds[0].length : 0;
  for (let b = 0; b < rows; b++) {
    const ids = batch.inputIds[b];
    const mask = batch.attentionMask[b];
    if (!isRows(ids) || !isRows(mask)) throw new TokenBatchError(`expected row ${b} of ids and of the mask as arrays`);
    if (ids.length === 0 || ids.length !== width || mask.length !== width) {
      throw new TokenBatchError(`expected every row of ${width || 'at least one'} tokens, row ${b} has ${ids.length} ids and ${mask.length} mask values`);
    }
    if (ids.length > window) throw new TokenBatchError(`a sequence of ${ids.length} tokens exceeds the model's max_seq_length ${window}`);
    for (let s = 0; s < width; s++) {
      const id = ids[s];
      if (!(Number.isSafeInteger(id) && (id as number) >= 0 && (id as number) < vocab)) {
        throw new TokenBatchError(`expected token ids in [0, ${vocab}) (the model's vocab_size), got ${String(id).slice(0, 20)} at [${b}, ${s}]`);
      }
      if (mask[s] !== 0 && mask[s] !== 1)
        throw new TokenBatchError(`expected attention-mask values 0 or 1, got ${String(mask[s]).slice(0, 20)} at [${b}, ${s}]`);
    }
  }
  if (positions === undefined) return;
  if (!isRows(positions)) throw new TokenBatchError('expected the positions to decode as an array of integers');
  const bad = Array.prototype.findIndex.call(positions, (p: unknown) => !(Number.isSafeInteger(p) && (p as number) >= 0 && (p as number) < rows * width));
  if (bad !== -1) throw new TokenBatchError(`expected positions in [0, ${rows * width}) (flat b * ${width} + s), got ${String(positions[bad]).slice(0, 20)}`);
}

/** An array, or a typed array, of rows or values. */
function isRows(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}
