import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsFile } from '@ufbert/tensor/node';
import { tf, relativeError, toFloat32, UfbertError } from '@ufbert/tensor';
import type { ParityReport, SafeTensor, Tensor2D } from '@ufbert/tensor';
import { loadModel } from './checkpoint.js';

/** The fixture folders, written by the reference PyTorch code (see fixtures/README.md). */
export const PARITY_CASES = ['crammed-fff-mlm', 'crammed-fff-cls', 'crammed-ff-mlm', 'crammed-ff-cls'] as const;

/** One `crammed-*` fixture folder: its name, path, and the tensors of its io.safetensors. */
export interface ModelFixtureCase {
  name: string;
  folder: string;
  has(key: string): boolean;
  /** A tensor of io.safetensors; a UfbertError naming the file when it is missing. */
  tensor(key: string): SafeTensor;
}

/** Every `crammed-*` folder under `dir` that holds io.safetensors, in name order, with that file read. */
export async function readModelFixtureCases(dir: string): Promise<ModelFixtureCase[]> {
  const folders = readdirSync(dir).filter((name) => name.startsWith('crammed-') && existsSync(join(dir, name, 'io.safetensors')));
  if (folders.length === 0) throw new UfbertError(`${dir} has no crammed-* fixture folder with io.safetensors`);
  const cases: ModelFixtureCase[] = [];
  for (const name of folders.sort()) {
    const folder = join(dir, name);
    const io = (await readSafetensorsFile(join(folder, 'io.safetensors'))).tensors;
    cases.push({
      name,
      folder,
      has: (key) => io.has(key),
      tensor: (key) => {
        const t = io.get(key);
        if (!t) throw new UfbertError(`${folder}/io.safetensors has no tensor '${key}'`);
        return t;
      },
    });
  }
  return cases;
}

/**
 * For each `crammed-*` fixture folder under `dir`: loads the model from the folder, runs
 * io.safetensors' inputs in eval mode on the active backend and reports the relative error
 * of `hidden_states` and `logits` (MLM) or `logits` (classification).
 */
export async function runModelParity(dir: string, { report }: { report: ParityReport }): Promise<void> {
  for (const { name, folder, tensor: get } of await readModelFixtureCases(dir)) {
    const model = (await loadModel(folder)).eval();
    const ids = get('input_ids');
    const inputIds = tf.tensor2d(Int32Array.from(toFloat32(ids)), ids.shape as [number, number], 'int32');
    const attentionMask = tf.tensor2d(Int32Array.from(toFloat32(get('attention_mask'))), ids.shape as [number, number], 'int32');
    try {
      if (model.isClassifier) {
        const logits = model.classificationLogits(inputIds, attentionMask);
        report(name, 'logits', relativeError(await logits.data(), toFloat32(get('logits'))));
        logits.dispose();
      } else {
        const hidden = model.hiddenStates(inputIds, attentionMask);
        report(name, 'hidden_states', relativeError(await hidden.data(), toFloat32(get('hidden_states'))));
        const logits = tf.tidy(() => model.decode(tf.reshape(hidden, [-1, model.config.hidden_size]) as Tensor2D));
        report(name, 'logits', relativeError(await logits.data(), toFloat32(get('logits'))));
        tf.dispose([hidden, logits]);
      }
    } finally {
      tf.dispose([inputIds, attentionMask]);
      model.dispose();
    }
  }
}
