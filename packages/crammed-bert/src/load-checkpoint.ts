import { tf, Rng, openSafetensors, toFloat32, formatShape, type SafetensorsEntry } from '@ufbert/tensor';
import { CheckpointError } from './errors.js';
import type { CrammedBertConfig } from './config.js';
import { DECODER_WEIGHT, initStd, isHeadParameter, parameterSpecs, type ParameterSpec } from './parameters.js';
import { initialValue } from './init.js';
import { adoptVariables, makeVariable, type CrammedBertModel } from './model.js';
import type { KernelChoice } from '@ufbert/fff';

/** Float dtypes a checkpoint may store parameters in; all are loaded as float32. */
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export interface LoadCheckpointOptions {
  /**
   * A classification head of this many labels (null: the MLM decoder) instead of the one
   * the config names. When it differs from the config's `num_labels`, the head is freshly
   * initialised and the file's head entries (`pooler.*`, `head.*`) are ignored: this is how
   * a pretrained MLM checkpoint starts fine-tuning.
   */
  numLabels?: number | null;
  /** Seeds a fresh head and the dropout masks. Default 0. */
  seed?: number;
  /** The FFF blocks' CMM kernel (backend, level, inference dtype); see `CreateModelOptions.kernel`. */
  kernel?: KernelChoice;
  /**
   * Receives a warning when the checkpoint holds NaN or infinite weights (which give NaN
   * scores downstream), naming the tensors and counts. Default: console.warn.
   */
  warn?: (message: string) => void;
}

/**
 * Loads a safetensors state dict with the reference names (a model folder's model.safetensors,
 * bytes from a file picker or a download) into a model for `config`, in one pass over the
 * parameter list: the whole header is checked before any tensor data is read (every unknown,
 * missing or misshaped entry reported in one CheckpointError; `decoder.weight`, the tied word
 * embedding, may be present or absent), then each tensor goes straight into its variable.
 * `where` names the checkpoint in errors and warnings.
 */
export async function loadCheckpoint(
  bytes: Uint8Array,
  config: CrammedBertConfig,
  options: LoadCheckpointOptions & { where?: string } = {},
): Promise<CrammedBertModel> {
  const numLabels = options.numLabels === undefined ? config.num_labels : options.numLabels;
  const freshHead = numLabels !== config.num_labels;
  const target: CrammedBertConfig = freshHead ? { ...config, num_labels: numLabels } : config;
  const specs = parameterSpecs(target);
  const where = options.where ?? 'safetensors bytes';
  const opened = await openSafetensors(bytes);
  const variables = new Map<string, tf.Variable>();
  try {
    const toLoad = checkIndex(where, new Map(opened.entries.map((entry) => [entry.name, entry])), specs, freshHead);
    const nonFinite: string[] = [];
    for (const spec of toLoad) {
      const values = toFloat32(opened.read(spec.name));
      const count = countNonFinite(values);
      if (count > 0) nonFinite.push(`${spec.name} (${count} of ${values.length})`);
      variables.set(spec.name, makeVariable(tf.tensor(values, spec.shape, 'float32'), spec));
    }
    if (nonFinite.length)
      (options.warn ?? console.warn)(`${where}: non-finite weights (NaN or infinite), the model's outputs will be too: ${nonFinite.join(', ')}`);
    if (freshHead) {
      const rng = new Rng(options.seed ?? 0);
      const std = initStd(target);
      for (const spec of specs) if (isHeadParameter(spec.name)) variables.set(spec.name, makeVariable(initialValue(spec, target, std, rng), spec));
    }
    return adoptVariables(target, specs, variables, { seed: options.seed, kernel: options.kernel });
  } catch (error) {
    tf.dispose([...variables.values()]);
    throw error;
  } finally {
    opened.close();
  }
}

// ---------------------------------------------------------------------------

function countNonFinite(values: Float32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
  return count;
}

/** Scalars may be stored as [] or [1] (torch loads either into the other). */
function shapeFits(actual: readonly number[], expected: readonly number[]): boolean {
  const scalar = (s: readonly number[]) => s.length === 0 || (s.length === 1 && s[0] === 1);
  if (scalar(expected)) return scalar(actual);
  return actual.length === expected.length && actual.every((d, i) => d === expected[i]);
}

/** The specs to read from the file, or one CheckpointError listing every problem. */
function checkIndex(file: string, index: ReadonlyMap<string, SafetensorsEntry>, specs: ParameterSpec[], freshHead: boolean): ParameterSpec[] {
  const expected = new Map(specs.map((spec) => [spec.name, spec]));
  const problems: string[] = [];
  const toLoad: ParameterSpec[] = [];
  for (const [name, entry] of index) {
    const spec = expected.get(name);
    const ignored = freshHead && (isHeadParameter(name) || name === DECODER_WEIGHT);
    if (!spec) {
      if (!ignored) problems.push(`unknown parameter ${name} of shape ${formatShape(entry.shape)} (not in this config's model)`);
      continue;
    }
    if (ignored) continue;
    if (!shapeFits(entry.shape, spec.shape)) {
      problems.push(`expected ${name} of shape ${formatShape(spec.shape)}, got ${formatShape(entry.shape)}`);
    } else if (!FLOAT_DTYPES.has(entry.dtype)) {
      problems.push(`expected ${name} as a float tensor (F32, F16, BF16 or F64), got ${entry.dtype}`);
    } else if (spec.kind !== 'tied') {
      toLoad.push(spec);
    }
  }
  for (const spec of specs) {
    if (spec.kind !== 'tied' && !index.has(spec.name) && !(freshHead && isHeadParameter(spec.name))) {
      problems.push(`missing parameter ${spec.name} of shape ${formatShape(spec.shape)}`);
    }
  }
  if (problems.length) throw new CheckpointError(file, problems);
  return toLoad;
}
