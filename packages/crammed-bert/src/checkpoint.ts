import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf, Rng, openSafetensors, toFloat32, formatShape, type SafetensorsEntry } from '@ufbert/tensor';
import { openSafetensorsFile, readTextFile, writeSafetensorsFile } from '@ufbert/tensor/node';
import type { Tensor } from '@ufbert/tensor';
import { parseConfig, type CrammedBertConfig } from './config.js';
import { CheckpointError, ConfigError } from './errors.js';
import { DECODER_WEIGHT, initStd, isHeadParameter, parameterSpecs, type ParameterSpec } from './parameters.js';
import { initialValue } from './init.js';
import { CrammedBertModel } from './model.js';
import type { KernelChoice } from '@ufbert/fff';

export const MODEL_FILE = 'model.safetensors';
export const CONFIG_FILE = 'model_config.json';
/** A Hugging Face export keeps the arch config under `arch` in config.json. */
const HF_CONFIG_FILE = 'config.json';

/** A model config is a few hundred bytes; this only stops a device or a huge file being read. */
const MAX_CONFIG_BYTES = 1 << 20;

/** Float dtypes a checkpoint may store parameters in; all are loaded as float32. */
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export interface LoadModelOptions {
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

/** The config next to a checkpoint: model_config.json, or config.json with an `arch` entry. */
export async function loadConfig(dir: string): Promise<CrammedBertConfig> {
  const file = [CONFIG_FILE, HF_CONFIG_FILE].map((name) => join(dir, name)).find((path) => existsSync(path));
  if (!file) throw new ConfigError(`model config in ${dir}`, [`neither ${CONFIG_FILE} nor ${HF_CONFIG_FILE} exists`]);
  const text = await readTextFile(file, { what: 'model config file', maxBytes: MAX_CONFIG_BYTES, fail: (message) => new ConfigError('model config', [message]) });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  try {
    return parseConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(file, error.problems);
    throw error;
  }
}

/** Loads `model.safetensors` + `model_config.json` from a folder. */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<CrammedBertModel> {
  return loadCheckpoint(join(dir, MODEL_FILE), await loadConfig(dir), options);
}

/**
 * Loads a safetensors state dict with the reference names into a model for `config`, from a
 * file or from its bytes already in memory (a browser file picker, a download).
 * The whole file is checked before any tensor data is read: every unknown, missing or
 * misshaped entry is reported in one CheckpointError. `decoder.weight` (the tied word
 * embedding) may be present or absent. Tensors are read one at a time and handed to
 * tfjs, so a checkpoint is never held in memory twice, and all through one open file
 * descriptor, so a checkpoint replaced while it loads gives the old model or the new,
 * never a mix of both.
 */
export async function loadCheckpoint(source: string | Uint8Array, config: CrammedBertConfig, options: LoadModelOptions = {}): Promise<CrammedBertModel> {
  const numLabels = options.numLabels === undefined ? config.num_labels : options.numLabels;
  const freshHead = numLabels !== config.num_labels;
  const target: CrammedBertConfig = freshHead ? { ...config, num_labels: numLabels } : config;
  const specs = parameterSpecs(target);
  const file = typeof source === 'string' ? source : 'safetensors bytes';
  const opened = typeof source === 'string' ? await openSafetensorsFile(source) : await openSafetensors(source);
  const tensors = new Map<string, Tensor>();
  try {
    const toLoad = checkIndex(file, new Map(opened.entries.map((entry) => [entry.name, entry])), specs, freshHead);
    const nonFinite: string[] = [];
    for (const spec of toLoad) {
      const values = toFloat32(opened.read(spec.name));
      const count = countNonFinite(values);
      if (count > 0) nonFinite.push(`${spec.name} (${count} of ${values.length})`);
      tensors.set(spec.name, tf.tensor(values, spec.shape, 'float32'));
    }
    if (nonFinite.length) (options.warn ?? console.warn)(`${file}: non-finite weights (NaN or infinite), the model's outputs will be too: ${nonFinite.join(', ')}`);
    if (freshHead) {
      const rng = new Rng(options.seed ?? 0);
      const std = initStd(target);
      for (const spec of specs) if (isHeadParameter(spec.name)) tensors.set(spec.name, initialValue(spec, target, std, rng));
    }
    return CrammedBertModel.fromTensors(target, tensors, { seed: options.seed, kernel: options.kernel });
  } catch (error) {
    tf.dispose([...tensors.values()]);
    throw error;
  } finally {
    opened.close();
  }
}

/** Writes `model.safetensors` (reference names, buffers and `decoder.weight` included; `metadata` joins its header) and `model_config.json`. */
export async function saveModel(model: CrammedBertModel, dir: string, options: { metadata?: Record<string, string> } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  // format 'pt' last: the reference loader reads it, so no caller's key may replace it.
  await writeSafetensorsFile(join(dir, MODEL_FILE), await model.stateDict(), { ...options.metadata, format: 'pt' });
  await writeFile(join(dir, CONFIG_FILE), `${JSON.stringify(model.config, null, 1)}\n`);
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
